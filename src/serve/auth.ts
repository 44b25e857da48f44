// Runs in Node (serve mode): the secret that proves a request comes from the person who started the server.
// As in Jupyter: a token made at each start travels once in the printed URL, is exchanged for an HttpOnly,
// SameSite=Strict cookie, and every HTTP request and WebSocket upgrade must then carry it.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/** Environment variable that fixes the token (tests, scripts); otherwise each start makes a new one. */
export const TOKEN_ENV = 'KERNEL_STUDIO_TOKEN'

/** Shortest token accepted from {@link TOKEN_ENV}: a short one could be guessed. */
const MIN_TOKEN_LENGTH = 16

/** A fresh random token: 24 bytes as 48 hex digits. */
export function createToken(): string {
  return randomBytes(24).toString('hex')
}

/**
 * The token to use: `fixed` (from {@link TOKEN_ENV}) when given, else a new random one. Throws a one-line
 * error for a fixed token that is too short or holds characters a URL or cookie would mangle.
 */
export function chooseToken(fixed: string | undefined): string {
  if (fixed === undefined || fixed === '') return createToken()
  if (fixed.length < MIN_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(fixed)) {
    throw new Error(`${TOKEN_ENV} must be at least ${MIN_TOKEN_LENGTH} letters, digits, '-' or '_'`)
  }
  return fixed
}

/**
 * The cookie's name. Cookies are shared by every port of 127.0.0.1, so the port is part of the name: two servers
 * side by side each keep their own.
 */
export function authCookieName(port: number): string {
  return `kernel-studio-token-${port}`
}

/** The `Set-Cookie` value that stores `token` for this server (no Expires: it ends with the browser session). */
export function authCookie(port: number, token: string): string {
  return `${authCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`
}

/** Constant-time comparison, so the time taken does not tell how much of a guess was right. */
function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The value of cookie `name` in a Cookie header, or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** What to do with a request, as decided by {@link authenticate}. */
export type AuthOutcome =
  /** It carries the right cookie or Authorization header: serve it. */
  | { readonly kind: 'ok' }
  /** It carries the right token in the URL: set the cookie and redirect to `location` (the URL without it). */
  | { readonly kind: 'login'; readonly location: string }
  /** Refuse with `status` (401 without credentials, 403 with wrong ones) and a one-line `message`. */
  | { readonly kind: 'refuse'; readonly status: 401 | 403; readonly message: string }

/**
 * Checks a request's credentials: the `token` query parameter (the printed URL), the cookie it is exchanged
 * for, or `Authorization: Bearer <token>` (scripts). `url` is the request target (`/path?query`).
 */
export function authenticate(headers: IncomingHttpHeaders, url: string, port: number, token: string): AuthOutcome {
  const parsed = new URL(url, 'http://127.0.0.1')
  const fromQuery = parsed.searchParams.get('token')
  if (fromQuery !== null) {
    if (!sameToken(fromQuery, token)) return { kind: 'refuse', status: 403, message: 'the token in this URL is wrong (use the URL the server printed)' }
    parsed.searchParams.delete('token')
    return { kind: 'login', location: parsed.pathname + parsed.search }
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1]
  const given = bearer ?? cookieValue(headers.cookie, authCookieName(port))
  if (given === undefined) return { kind: 'refuse', status: 401, message: 'open the URL with ?token= that `kernel-studio serve` printed' }
  if (!sameToken(given, token)) return { kind: 'refuse', status: 403, message: 'wrong token (open the URL the server printed)' }
  return { kind: 'ok' }
}
