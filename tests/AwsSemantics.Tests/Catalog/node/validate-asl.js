// Validates Amazon States Language definitions with asl-validator.
// stdin: {"<name>": <definition>, ...}; stdout: {"<name>": {"valid": bool, "errors": ["..."]}, ...}
"use strict";
const validator = require("asl-validator");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", chunk => (input += chunk));
process.stdin.on("end", () => {
  const results = {};
  for (const [name, definition] of Object.entries(JSON.parse(input))) {
    // Every check on: JSON schema (JSONata expressions are parsed), transitions, terminal states, ARNs and paths.
    const { isValid, errorsText } = validator(definition, { checkPaths: true, checkArn: true });
    results[name] = { valid: isValid, errors: isValid ? [] : errorsText("\n").split("\n").filter(e => e.length > 0) };
  }
  process.stdout.write(JSON.stringify(results));
});
