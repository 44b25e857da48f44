// Runs in the browser (serve mode): exports and recipes come back as bytes and are handed to the browser as downloads.

/** Starts a browser download of `bytes` named `fileName`. */
export function download(bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // Revoking at once can cancel the download in some browsers; a minute is plenty for it to start.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
