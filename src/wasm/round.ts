// AssemblyScript, compiled into out/wasm/kernels.wasm (kernels.ts and layers.ts import it): the one rounding of
// f32 lanes to the integers the narrowing to bytes takes.

/**
 * floor(v + 0.5) as i32 lanes, for v + 0.5 in 0 .. 2^23: the floor moved into the low bits of 2^23 + it, two
 * instructions where the saturating truncation costs about eight. Where v + 0.5 is negative the lane comes out
 * negative too, which the narrowing saturates to the same 0.
 */
// @ts-ignore: decorator
@inline
export function roundHalfUp(v: v128): v128 {
  const magic = f32x4.splat(8388608)
  return i32x4.sub(f32x4.add(f32x4.floor(f32x4.add(v, f32x4.splat(0.5))), magic), magic)
}
