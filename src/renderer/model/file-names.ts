// Runs in the renderer (pure, unit-tested in Node): what a file name says about the file.

/** Lower-case extension of a path or file name, with the dot; '' when there is none. */
export function extensionOf(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot).toLowerCase() : ''
}

/** True when a dropped or picked file should be loaded as a recipe (a `.json` file) rather than opened as an image. */
export function looksLikeRecipe(name: string): boolean {
  return extensionOf(name) === '.json'
}
