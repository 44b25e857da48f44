// Runs in Node (CLI): the `kernel-studio` command tree.
import { Command } from 'commander'
import { version } from '../../package.json'
import { registerApply } from './apply'
import { registerBatch } from './batch'
import { PROGRAM } from './errors'
import { registerInspect } from './inspect'
import { registerLearn } from './learn'
import { registerPresets } from './presets'
import { registerServe } from './serve'

/** Commander error output as one line (commander puts "Did you mean ...?" on a line of its own). */
function oneLine(text: string): string {
  return `${text.trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(' ')}\n`
}

/**
 * Builds the program: apply, batch, inspect, learn, presets, serve. Commander's own usage errors are
 * printed as `kernel-studio: error: ...` on one line and thrown as CommanderError instead of exiting, so the
 * caller decides the exit code.
 */
export function createProgram(): Command {
  const program = new Command(PROGRAM)
  program
    .description('Kernel Studio: convolution filters for images (exact kernels, presets, filter stacks)')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .configureOutput({ outputError: (text, write) => write(`${PROGRAM}: ${oneLine(text)}`) })
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  kernel-studio apply photo.png -o blurred.png --preset gaussian-blur:size=5,sigma=1
  kernel-studio apply photo.png -o edges.png --preset sobel --signed abs
  kernel-studio inspect photo.png --preset edge-detect --at 10,20
  kernel-studio learn photo.png blurred.png --size 9 -o kernel.txt
  kernel-studio presets
  kernel-studio serve --open photo.png`
    )
  registerApply(program)
  registerBatch(program)
  registerInspect(program)
  registerLearn(program)
  registerPresets(program)
  registerServe(program)
  return program
}
