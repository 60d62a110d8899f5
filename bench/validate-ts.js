// The reference TypeScript validator on the same JSON Lines as bench/validate:
// JSON.parse + jsonToLex + Lexicons.validate per record (@atproto/lexicon, pinned by
// bench/validate.sh). Prints one line: records per CPU second and how many were
// valid.
'use strict';
const fs = require('fs');
const path = require('path');
const { Lexicons, jsonToLex } = require('@atproto/lexicon');

function loadDocs(dir) {
	const docs = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) docs.push(...loadDocs(p));
		else if (entry.name.endsWith('.json')) docs.push(JSON.parse(fs.readFileSync(p, 'utf8')));
	}
	return docs;
}

const [lexDir, file, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 3);
const lex = new Lexicons(loadDocs(lexDir).filter((d) => d.lexicon === 1 && d.id));
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const bytes = Buffer.byteLength(lines.join('\n')) + lines.length;

// CPU seconds of the process (all its threads: the JIT and GC work for the
// validator too), as bench/validate counts: the machine may be shared.
function cpuSeconds() {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1e6;
}

let records = 0, valid = 0;
const start = cpuSeconds();
let elapsed = 0;
do {
	let ok = 0;
	for (const line of lines) {
		const r = lex.validate('app.bsky.feed.post', jsonToLex(JSON.parse(line)));
		if (r.success) ok++;
	}
	valid = ok;
	records += lines.length;
	elapsed = cpuSeconds() - start;
} while (elapsed < seconds);
const rate = records / elapsed;
console.log(`${'@atproto/lexicon 0.7.19 (node ' + process.version + ')'}`.padEnd(34) + ' ' +
	rate.toFixed(0).padStart(12) + ' ' + (bytes * (records / lines.length) / elapsed / 1e6).toFixed(1).padStart(10) +
	' ' + String(valid).padStart(10));
