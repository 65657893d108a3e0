// Refuses a Node older than package.json's `engines.node` (>=22.12) in one line. Plain old syntax on
// purpose: it runs under whatever Node the user has (as `preinstall`, and first thing in `npm start`).
// `.npmrc`'s engine-strict makes npm itself refuse before installing anything; this catches the
// package managers and flags that skip that check.
'use strict'

var REQUIRED = [22, 12]

function supported(version) {
  var parts = String(version).replace(/^v/, '').split('.').map(Number)
  return parts[0] > REQUIRED[0] || (parts[0] === REQUIRED[0] && parts[1] >= REQUIRED[1])
}

function refusal(version) {
  return 'Switchyard needs Node >= ' + REQUIRED.join('.') + ', but this is Node ' + String(version).replace(/^v/, '') +
    ': install Node 22.12 or newer (nodejs.org, nvm, fnm…) and run the command again.'
}

module.exports = { supported: supported, refusal: refusal }

if (require.main === module && !supported(process.versions.node)) {
  process.stderr.write(refusal(process.versions.node) + '\n')
  process.exit(1)
}
