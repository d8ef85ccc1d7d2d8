# A release the stores take (BUILDING.md): reproducible extension zips, the source package a
# reviewer rebuilds from, and their checksums; the test that a rebuild gives the same bytes.

TEST_TARGETS += test-release

.PHONY: release version test-release

release: setup wasm extension ## dist/byob-{chrome,firefox,source}-<version>.zip and dist/SHA256SUMS (from a clean tree)
	node tools/release.mjs

version: setup-npm ## set the version in manifest.json, Cargo.toml, package.json and CHANGELOG.md: make version VERSION=x.y.z
	@test -n "$(VERSION)" || { echo "usage: make version VERSION=x.y.z"; exit 2; }
	node tools/bump-version.mjs $(VERSION)

test-release: setup ## make release twice and once from the unpacked source package: the same sha256 (~3 min)
	node --test tests/release/
