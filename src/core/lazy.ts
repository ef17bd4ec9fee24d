/**
 * A value built on first use and kept: `lazy(() => z.object({...}))` gives a function that
 * builds the schema the first time it is called and returns the same one after. Module-level
 * zod schemas cost import time in every Vitest worker, whether or not the run validates
 * anything with them; built this way, only the ones a run uses are paid for.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined
  return () => {
    built ??= { value: build() }
    return built.value
  }
}
