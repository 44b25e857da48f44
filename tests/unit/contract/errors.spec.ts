// @vitest-environment node
// src/contract/errors.ts: the codes callers branch on survive the trip across a process or network boundary.
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, CodedError, errorCode, firstLine, fromWireError, toWireError } from '../../../src/contract/errors'
import { AbortError, EngineError } from '../../../src/engine/errors'
import { IoError } from '../../../src/io/io-error'
import { encodeMessage, decodeMessage } from '../../../src/contract/wire'

describe('error codes', () => {
  it('come from our errors, default by kind, and are internal for anything else', () => {
    expect(errorCode(new IoError('x', 'exists'))).toBe('exists')
    expect(errorCode(new IoError('x'))).toBe('unreadable')
    expect(errorCode(new EngineError('x'))).toBe('bad-options')
    expect(errorCode(new EngineError('x', 'bad-kernel'))).toBe('bad-kernel')
    expect(errorCode(new AbortError())).toBe('aborted')
    // The platform's aborts (DOM, Node) carry only the name.
    expect(errorCode(Object.assign(new Error('stop'), { name: 'AbortError' }))).toBe('aborted')
    // Node's own codes are not ours.
    expect(errorCode(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe('internal')
    expect(errorCode('a string')).toBe('internal')
    expect(Object.keys(ERROR_CODES)).toContain('host-crashed')
  })

  it('travel with the name and one line of the message, through the wire encoding', () => {
    const wire = toWireError(new IoError('/tmp/a.png already exists\nsecond line', 'exists'))
    expect(wire).toEqual({ name: 'IoError', message: '/tmp/a.png already exists', code: 'exists' })
    const back = fromWireError(decodeMessage(encodeMessage(wire)) as typeof wire)
    expect(back).toBeInstanceOf(CodedError)
    expect([back.name, back.message, back.code]).toEqual(['IoError', '/tmp/a.png already exists', 'exists'])
    expect(fromWireError({ name: 'Error', message: 'm', code: 'no-such-code' }).code).toBe('internal')
    expect(toWireError('plain')).toEqual({ name: 'Error', message: 'plain', code: 'internal' })
  })

  it('firstLine takes the first line that says something', () => {
    expect(firstLine('\n  vips: bad header  \r\nmore')).toBe('vips: bad header')
    expect(firstLine('one')).toBe('one')
    expect(firstLine('')).toBe('')
  })
})
