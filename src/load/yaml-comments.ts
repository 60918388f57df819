// The comments of a YAML text, found by one scan over its lines, without a
// second YAML parse. YAML comments are line-based, but `#` is a comment only
// where it starts a token after whitespace (or starts the line) and is not
// inside a string: a quoted scalar (which may run over several lines) or a
// block scalar (`|`, `>`), whose lines are content whatever they hold. Plain
// scalars end at ` #`, so they need no tracking beyond the current line.
// test/suppressions.test.ts checks this scan against the `yaml` package's own
// lexer on every YAML file of the repository.

import type { SourceFile } from '../types.js';

export interface YamlComment {
  /** Offset of `#` in the text. */
  start: number;
  /** Offset just past the comment (before the line break). */
  end: number;
  /** 1-based line of the comment. */
  line: number;
  /** The comment after `#`. */
  text: string;
}

export interface CommentScan {
  comments: YamlComment[];
  /** 1-based numbers of the lines that hold more than whitespace and a comment. */
  contentLines: Set<number>;
}

interface BlockScalar {
  /** Content lines are indented more than this. */
  parentIndent: number;
  /** Indentation of the content, fixed by its first non-blank line (or an indentation indicator). */
  contentIndent: number | null;
}

export function scanComments(file: SourceFile): CommentScan {
  const { text, lineStarts } = file;
  const comments: YamlComment[] = [];
  const contentLines = new Set<number>();
  let quote: '"' | "'" | null = null;
  let flowDepth = 0;
  let block: BlockScalar | null = null;

  for (let index = 0; index < lineStarts.length; index++) {
    const lineNumber = index + 1;
    const lineStart = lineStarts[index]!;
    let lineEnd = index + 1 < lineStarts.length ? lineStarts[index + 1]! - 1 : text.length;
    if (lineEnd > lineStart && text[lineEnd - 1] === '\r') lineEnd--;
    const line = text.slice(lineStart, lineEnd);
    const indent = /^ */.exec(line)![0].length;
    const blank = line.trim() === '';

    if (block) {
      if (blank) continue;
      if (block.contentIndent === null && indent > block.parentIndent) block.contentIndent = indent;
      if (block.contentIndent !== null && indent >= block.contentIndent) {
        contentLines.add(lineNumber);
        continue;
      }
      block = null; // a less indented line ends the scalar and is read as YAML again
    }

    let position = 0;
    let nodeStart = true;
    let afterQuoted = false;
    // A document marker ends whatever was open: the next document starts afresh.
    if (/^(?:---|\.\.\.)(?:[ \t]|$)/.test(line)) {
      quote = null;
      flowDepth = 0;
      position = 3;
      contentLines.add(lineNumber);
    }
    if (quote) {
      if (!blank) contentLines.add(lineNumber);
      const close = closingQuote(line, 0, quote);
      if (close === -1) continue;
      quote = null;
      position = close + 1;
      nodeStart = false;
      afterQuoted = true;
    }
    /** Column of the node a block scalar on this line would belong to: the key before `:` or the `-` before it. */
    let parentColumn = indent - 1;
    let scalarColumn = -1;
    let previousIsSpace = position === 0 || line[position - 1] === ' ' || line[position - 1] === '\t';

    while (position < line.length) {
      const char = line[position]!;
      const next = line[position + 1];
      const nextIsBreak = next === undefined || next === ' ' || next === '\t';
      if (char === ' ' || char === '\t') {
        previousIsSpace = true;
        position++;
        continue;
      }
      if (char === '#' && previousIsSpace) {
        comments.push({ start: lineStart + position, end: lineEnd, line: lineNumber, text: line.slice(position + 1) });
        break;
      }
      contentLines.add(lineNumber);
      previousIsSpace = false;

      if (nodeStart) {
        if (char === '"' || char === "'") {
          const close = closingQuote(line, position + 1, char);
          scalarColumn = position;
          if (close === -1) {
            quote = char;
            break;
          }
          position = close + 1;
          nodeStart = false;
          afterQuoted = true;
          continue;
        }
        if ((char === '-' || char === '?' || char === ':') && nextIsBreak) {
          if (char !== ':') parentColumn = position;
          position++;
          continue;
        }
        if (char === '&' || char === '!') {
          // An anchor or a tag comes before the node it names; the node still starts after it.
          while (position < line.length && !/[ \t]/.test(line[position]!) && !(flowDepth > 0 && /[,\[\]{}]/.test(line[position]!))) position++;
          continue;
        }
        if ((char === '|' || char === '>') && flowDepth === 0) {
          const header = /^[|>]([1-9]?[+-]?|[+-]?[1-9]?)/.exec(line.slice(position))![0];
          const explicit = /[1-9]/.exec(header);
          block = { parentIndent: parentColumn, contentIndent: explicit ? Math.max(parentColumn, 0) + Number(explicit[0]) : null };
          position += header.length;
          nodeStart = false;
          continue;
        }
      }
      if (char === '[' || char === '{') {
        if (nodeStart || flowDepth > 0) {
          flowDepth++;
          position++;
          nodeStart = true;
          continue;
        }
      } else if (flowDepth > 0 && (char === ']' || char === '}')) {
        flowDepth--;
        position++;
        nodeStart = false;
        afterQuoted = true;
        continue;
      } else if (flowDepth > 0 && char === ',') {
        position++;
        nodeStart = true;
        afterQuoted = false;
        continue;
      } else if (char === ':' && (nextIsBreak || (flowDepth > 0 && (afterQuoted || /[,\[\]{}]/.test(next!))))) {
        // The value indicator: what follows is a new node, whose block scalar belongs to the key before it.
        if (scalarColumn !== -1) parentColumn = scalarColumn;
        position++;
        nodeStart = true;
        afterQuoted = false;
        continue;
      }
      if (nodeStart) scalarColumn = position;
      nodeStart = false;
      afterQuoted = false;
      position++;
    }
  }
  return { comments, contentLines };
}

/** Index of the quote that closes a scalar opened before `from`, or -1 when it continues on the next line. */
function closingQuote(line: string, from: number, quote: '"' | "'"): number {
  for (let position = from; position < line.length; position++) {
    const char = line[position];
    if (quote === '"' && char === '\\') position++;
    else if (char === quote) {
      if (quote === "'" && line[position + 1] === "'") position++;
      else return position;
    }
  }
  return -1;
}
