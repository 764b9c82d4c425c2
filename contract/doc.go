// Package contract holds contract tests that run requests against Stoplight
// Prism serving the official Webex Wholesale OpenAPI file, so that what our
// client sends (and later what our own fake server accepts) is checked
// against the published schema.
//
// The tests need the build tag "contract" and a Prism install:
//
//	bash .ci/prism.sh                       # installs Prism 5.16.0 into .prism/
//	PRISM_REQUIRED=1 go test -tags contract -race ./contract/ -v
//
// Environment:
//
//	PRISM_BIN      path of the prism binary (default: <repo>/.prism/node_modules/.bin/prism)
//	WEBEX_SPEC     path of webex-wholesale.json (default: found by walking up from
//	               the working directory to a folder holding shared/spec/webex-wholesale.json)
//	PRISM_REQUIRED =1 turns "Prism or spec not found" from a skip into a failure (for CI)
//	PRISM_START_TIMEOUT  readiness deadline as a Go duration (default 30s)
package contract
