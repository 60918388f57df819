// Text from the linted repository (file names, resource names, values quoted in messages, a ruleset's rule ids)
// reaches terminals and the GitHub Actions log. A control character in it could move the cursor, recolour or hide
// lines, set the window title, or make a link (OSC 8); a bidirectional override could make a line read as something
// else. They are shown as escapes instead, the same way JSON writes them.

/** C0 controls and DEL, C1 controls, and Unicode's bidirectional embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same but line breaks, for text whose format carries them safely (workflow commands escape them as %0A). */
const UNSAFE_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on written as `\u001b` and the like. */
export function escapeControls(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  return text.replace(options.keepLineBreaks ? UNSAFE_BUT_LINE_BREAKS : UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
