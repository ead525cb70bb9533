// Decode WBXML files with Thunderbird's EAS codec (EAS-4-TbSync, content/includes/wbxmltools.js).
//
// usage: node tbsync_decode.js WBXMLTOOLS_JS FILE...
// prints one JSON line per FILE: {"file": ..., "xml": <string, or false on a parse error>,
// "warnings": [...]} where "xml" is exactly what wbxmltools.convert2xml returns: XML whose text
// nodes are encodeURIComponent-encoded (TbSync's xmltools decodes them with decodeURIComponent).
//
// TbSync loads the file with Services.scriptloader.loadSubScript into its provider's scope and
// calls eas.wbxmltools.convert2xml(req.responseText), the XHR having been told
// overrideMimeType("text/plain"): the response body decoded as UTF-8 into a JS string. The
// shims are the two things the file touches outside itself: ChromeUtils.import for TbSync, whose
// dump() and eventlog.add() (unknown tokens, unsupported global tokens) are collected here.
"use strict";

const fs = require("fs");
const vm = require("vm");

const [source, ...files] = process.argv.slice(2);
if (!source || files.length === 0) {
  process.stderr.write("usage: node tbsync_decode.js WBXMLTOOLS_JS FILE...\n");
  process.exit(64);
}

const warnings = [];
const TbSync = {
  dump: (what, msg) => warnings.push(`dump ${what}: ${msg}`),
  eventlog: { add: (level, _account, msg) => warnings.push(`${level}: ${msg}`) },
};
const sandbox = {
  ChromeUtils: {
    import: (url) => {
      if (url !== "chrome://tbsync/content/tbsync.jsm") throw new Error(`unexpected import ${url}`);
      return { TbSync };
    },
  },
};
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(source, "utf-8"), sandbox, { filename: source });
const { wbxmltools } = sandbox;
if (!wbxmltools || typeof wbxmltools.convert2xml !== "function") {
  throw new Error(`${source} defines no wbxmltools.convert2xml`);
}

const decoder = new TextDecoder("utf-8"); // what XHR does for a text/plain response without charset
for (const file of files) {
  warnings.length = 0;
  const responseText = decoder.decode(fs.readFileSync(file));
  const xml = wbxmltools.convert2xml(responseText);
  process.stdout.write(JSON.stringify({ file, xml, warnings: [...warnings] }) + "\n");
}
