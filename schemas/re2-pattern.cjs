// The regular expression engine of the generated schema validators (schemas/validators/*.cjs, made by
// scripts/gen-schemas.ts with ajv's `code.regExp`): RE2, as re2js ports it. The CRDs' patterns are Go RE2 syntax, which
// the API server runs in linear time; on JavaScript's backtracking engine a pattern such as bodySizeLimit's
// `(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$`, not anchored at the start, takes time quadratic in the value's length.
// A JSON schema pattern matches anywhere in the string, as RE2's find does.
'use strict';

const { RE2JS } = require('re2js');

module.exports = function re2Pattern(pattern) {
  const compiled = RE2JS.compile(pattern);
  return { test: (text) => compiled.test(text), toString: () => `/${pattern}/` };
};
