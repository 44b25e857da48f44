// Runs anywhere: size limits shared by every way in (CLI flags, API calls), so a file one accepts the other does.

/** Largest recipe or kernel file read, in bytes (a stack of 64 large kernels as text fits). */
export const MAX_RECIPE_BYTES = 4 * 1024 * 1024
