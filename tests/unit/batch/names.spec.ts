// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, renderName } from '../../../src/batch/names'

const fields = { name: 'IMG_0042', ext: 'jpg', dir: '2024/summer', index: 7 }
const render = (template: string, over: Partial<typeof fields> = {}): string => renderName(parseNameTemplate(template), { ...fields, ...over })

describe('name templates', () => {
  it('defaults to {name}.{ext}', () => {
    expect(DEFAULT_NAME_TEMPLATE).toBe('{name}.{ext}')
    expect(render(DEFAULT_NAME_TEMPLATE)).toBe('IMG_0042.jpg')
  })

  it('fills {name} {ext} {dir} {index} and pads {index:N}', () => {
    expect(render('{dir}/{name}-look.{ext}')).toBe('2024/summer/IMG_0042-look.jpg')
    expect(render('{index}_{name}.png')).toBe('7_IMG_0042.png')
    expect(render('{index:4}.{ext}')).toBe('0007.jpg')
    expect(render('{index:2}.{ext}', { index: 1234 })).toBe('1234.jpg')
    expect(render('out/{name}.{ext}')).toBe('out/IMG_0042.jpg')
  })

  it('drops the empty folder level of files at the input root', () => {
    expect(render('{dir}/{name}.{ext}', { dir: '' })).toBe('IMG_0042.jpg')
    expect(render('x/{dir}/./{name}.{ext}', { dir: '' })).toBe('x/IMG_0042.jpg')
  })

  it.each([
    ['', '--name "": the name template is empty'],
    ['{nam}.{ext}', '--name "{nam}.{ext}": unknown placeholder {nam} (use {name} {ext} {dir} {index} {index:N})'],
    ['{name.{ext}', '--name "{name.{ext}": a stray "{" (placeholders are {name} {ext} {dir} {index} {index:N})'],
    ['{name}}.jpg', '--name "{name}}.jpg": a stray "}" (placeholders are {name} {ext} {dir} {index} {index:N})'],
    ['{index:0}.jpg', '--name "{index:0}.jpg": {index:N} pads to 1..9 digits, got 0'],
    ['/tmp/{name}.jpg', '--name "/tmp/{name}.jpg": names are relative to the output folder (-d)'],
    ['../{name}.jpg', '--name "../{name}.jpg": ".." would leave the output folder'],
    ['a/../../{name}.jpg', '--name "a/../../{name}.jpg": ".." would leave the output folder']
  ])('refuses %j with one line', (template, message) => {
    expect(() => parseNameTemplate(template)).toThrow(message)
    try {
      parseNameTemplate(template)
    } catch (err) {
      expect((err as { code?: string }).code).toBe('bad-options')
    }
  })
})
