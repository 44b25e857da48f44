// @vitest-environment node
// What the desktop page may ask main for (electron/main/page-requests.ts): no paths to write, no `force`, no file
// to read that the user did not open in the app.
import { describe, expect, it } from 'vitest'
import { checkPageRequest } from '../../../electron/main/page-requests'

const opened = ['/home/me/photos/cat.png']

/** The message of what `checkPageRequest` throws, or '' when it lets the request through. */
function refusal(channel: string, req: unknown): string {
  try {
    checkPageRequest(channel, req, opened)
    return ''
  } catch (e) {
    expect((e as { code?: string }).code).toBe('bad-request')
    return (e as Error).message
  }
}

describe('checkPageRequest', () => {
  it('refuses paths and force the page sets for writing', () => {
    expect(refusal('image:export', { filters: [], format: 'png', path: '/home/me/.bashrc' })).toBe('image:export: path: is chosen by the app (its dialogs), not by the page')
    expect(refusal('image:export', { filters: [], format: 'png', force: true })).toBe('image:export: force: is chosen by the app (its dialogs), not by the page')
    expect(refusal('recipe:save', { recipe: { filters: [] }, path: '/home/me/.bashrc', force: true })).toMatch(/^recipe:save: path: /)
    expect(refusal('recipe:open', { path: '/etc/shadow' })).toMatch(/^recipe:open: path: /)
    expect(refusal('image:upload', { name: 'x.png', file: '/etc/shadow' })).toMatch(/^image:upload: file: /)
    // Batch export: the pickers choose what is read and where it is written.
    expect(refusal('batch:start', { filters: [], inputs: ['/home/me'] })).toMatch(/^batch:start: inputs: /)
    expect(refusal('batch:start', { filters: [], outDir: '/home/me/.ssh' })).toMatch(/^batch:start: outDir: /)
    expect(refusal('batch:start', { filters: [], format: 'jpeg', existing: 'skip' })).toBe('')
  })

  it('opens by path only a file the app has opened (recent files, dialog results)', () => {
    expect(refusal('image:open', { path: '/home/other/secret.png' })).toBe('image:open: path: is not a file opened in this app (open it with the dialog first)')
    expect(refusal('image:open', { path: '/home/me/photos/../photos/cat.png' })).toBe('')
    expect(refusal('image:open', {})).toBe('')
    expect(refusal('image:open', { sample: 'astronaut' })).toBe('')
  })

  it('lets everything else through (the handlers validate it)', () => {
    expect(refusal('image:export', { filters: [], format: 'png' })).toBe('')
    expect(refusal('image:preview', { requestId: 1, filters: [], maxWidth: 10, maxHeight: 10 })).toBe('')
    expect(refusal('app:info', undefined)).toBe('')
  })
})
