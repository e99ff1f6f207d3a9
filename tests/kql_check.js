// Parses KQL with Microsoft's own parser (the npm package @kusto/language-service-next) and reports
// its syntax diagnostics, one per line: "error at OFFSET (line L): MESSAGE".
//   node kql_check.js MODULE_DIR QUERY_FILE
// MODULE_DIR is the node_modules folder that holds the package. Exit 0: no syntax error; 1: errors
// (listed on stdout); 2: usage or unreadable file; 77: the package is not installed there (the
// caller skips).
'use strict';
const fs = require('fs');
const path = require('path');

if (process.argv.length !== 4) {
    console.error('usage: node kql_check.js MODULE_DIR QUERY_FILE');
    process.exit(2);
}
const pkg = path.join(process.argv[2], '@kusto', 'language-service-next');
if (!fs.existsSync(path.join(pkg, 'Kusto.Language.Bridge.js'))) {
    console.error(`@kusto/language-service-next is not installed under ${process.argv[2]}`);
    process.exit(77);
}
let text;
try {
    text = fs.readFileSync(process.argv[3], 'utf8');
} catch (e) {
    console.error(`cannot read ${process.argv[3]}: ${e.message}`);
    process.exit(2);
}
// The package is a Bridge.NET build: bridge.js sets up the runtime, then the library registers the
// Kusto namespace on the global object.
require(path.join(pkg, 'bridge.js'));
require(path.join(pkg, 'Kusto.Language.Bridge.js'));
const code = global.Kusto.Language.KustoCode.Parse(text);
const diagnostics = code.GetSyntaxDiagnostics();
const lineOf = (offset) => text.slice(0, offset).split('\n').length;
let errors = 0;
for (let i = 0; i < diagnostics.Count; ++i) {
    const d = diagnostics.getItem(i);
    if (d.Severity === 'Error') {
        ++errors;
    }
    console.log(`${d.Severity.toLowerCase()} at ${d.Start} (line ${lineOf(d.Start)}): ${d.Message}`);
}
console.log(`${errors} syntax error(s) in ${text.length} characters`);
process.exit(errors > 0 ? 1 : 0);
