// A PLC directory for bench/auth.sh: serves the DID documents of a JSON
// file ({did: document}) on 127.0.0.1 and writes its port to PORTFILE.
//   node auth-plc.mjs DOCS.json PORTFILE
import fs from 'node:fs'
import http from 'node:http'
const [docsFile, portFile] = process.argv.slice(2)
const docs = JSON.parse(fs.readFileSync(docsFile, 'utf8'))
const s = http.createServer((req, res) => {
  const d = docs[decodeURIComponent(req.url.slice(1))]
  res.writeHead(d ? 200 : 404, { 'content-type': 'application/json' })
  res.end(JSON.stringify(d ?? { message: 'DID not registered' }))
})
s.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(s.address().port)))
