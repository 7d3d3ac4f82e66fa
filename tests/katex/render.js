// Render every formula given on stdin (a JSON list of {tex, display}) with KaTeX 0.11.1, the
// version the course site's auto-render uses; print a JSON list of the ones that fail.
const katex = require("katex");
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((item, index) => {
    try {
      katex.renderToString(item.tex, { displayMode: item.display, throwOnError: true, strict: "ignore" });
    } catch (err) {
      failures.push({ index, tex: item.tex, error: String(err.message || err) });
    }
  });
  process.stdout.write(JSON.stringify({ version: katex.version, failures }));
});
