// Runs in Node (serve mode, tests) and Electron main: `recipe:save` and `recipe:open`, recipe files written and
// read with the engine's recipe rules, so what the app saves the CLI can apply.
import { readFile } from 'node:fs/promises'
import { basename, extname, resolve } from 'node:path'
import type { Api } from '../contract/api'
import { CodedError } from '../contract/errors'
import { parseRecipe, serializeRecipe } from '../engine/recipe'
import type { Recipe } from '../engine/types'
import type { HandlerContext } from './context'
import { saveSmallFile, smallFileSize } from './small-files'
import { checkFilters, checkRequest } from './validate'
import { MAX_RECIPE_BYTES } from '../contract/limits'

/** The recipe handlers. */
export function recipeHandlers(ctx: HandlerContext): Pick<Api, 'recipe:save' | 'recipe:open'> {
  const { dialogs } = ctx
  return {
    async 'recipe:save'(raw) {
      const req = checkRequest('recipe:save', raw)
      // The same rules and messages as reading a recipe file: what we save, the CLI can apply.
      const recipe = parseRecipe(JSON.stringify({ ...req.recipe, filters: checkFilters(req.recipe.filters) }), 'recipe')
      const bytes = new TextEncoder().encode(serializeRecipe(recipe.filters))
      const name = ctx.documents.get(req.doc).name
      const stem = name ? basename(name, extname(name)) : 'stack'
      const defaultName = `${stem || 'stack'}.recipe.json`
      return saveSmallFile(bytes, defaultName, req.path, req.force ?? false, dialogs && ((name) => dialogs.saveRecipe(name)))
    },

    async 'recipe:open'(raw) {
      const req = checkRequest('recipe:open', raw)
      if (req.bytes !== undefined) {
        if (req.bytes.byteLength > MAX_RECIPE_BYTES) throw new CodedError(`${req.name ?? 'recipe'}: too large for a recipe file`, 'too-large')
        return parseRecipe(new TextDecoder().decode(req.bytes), basename(req.name ?? 'recipe'))
      }
      let path = req.path
      if (path === undefined) {
        if (!dialogs) throw new CodedError('recipe:open needs a path or the file\'s bytes here', 'bad-request')
        const chosen = await dialogs.openRecipe()
        if (chosen === null) return null
        path = chosen
      }
      const absolute = resolve(path)
      const name = basename(absolute)
      if ((await smallFileSize(absolute, name)) > MAX_RECIPE_BYTES) throw new CodedError(`${name}: too large for a recipe file`, 'too-large')
      return parseRecipe(await readFile(absolute, 'utf8'), name) satisfies Recipe
    }
  }
}
