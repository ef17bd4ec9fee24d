const UNSAFE = /[<>&\u2028\u2029]/g

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` are written as
 * `\u003c`-style escapes, so text such as `</script>` or `<!--` inside a value cannot end
 * the block or switch the HTML parser's script state; U+2028/U+2029 are escaped for tools
 * that treat the block as JavaScript. `JSON.parse` of the block's text gives `value` back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
