// A helper without tests: node --test runs every file under test/, this one included.
export const sample = [1, 2, 3]
