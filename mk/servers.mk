# Real servers on 127.0.0.1 for the tests (tests/servers/README.md): JupyterHub 6.1.1 and 5.2.1,
# a plain jupyter lab, BinderHub stand-ins, a git server (smart HTTP), faulty hubs. Ports in
# tests/servers/ports.env.

TEST_TARGETS += test-servers test-detect test-faults test-flows

.PHONY: setup-servers servers-start servers-stop test-servers test-detect test-faults test-flows

# The venvs are test needs: `make test` (and servers-start) install them, plain `make` does not.

setup-servers: ## environments of the test servers (.venv/hub6, .venv/hub52, .venv/proxy; ~60 s once)
	@tests/servers/setup.sh

servers-start: setup-servers ## start every test server on 127.0.0.1 (a no-op for those already up)
	@python3 tests/servers/servers.py start

servers-stop: ## stop the test servers that servers-start started
	@python3 tests/servers/servers.py stop

# Each tier starts the servers it needs and stops only those it started, whatever the outcome.
test-servers: setup-servers ## smoke-test the servers against the probe shapes of docs/protocols.md §1 (check_servers.py)
	@python3 tests/servers/check_servers.py

test-detect: cli setup-servers ## byob detect (and rewrite without --kind) against the real servers (starts and stops them)
	@python3 tests/servers/test_detect.py

test-faults: cli ## byob detect against faulty hubs: each fault its own message within the deadline (~35 s)
	@python3 tests/servers/test_faults.py

test-flows: cli setup-servers ## the launch flows of tests/servers/flows.json over HTTP: byob rewrite → login → spawn → nbgitpuller clone → notebook (~50 s)
	@python3 tests/servers/test_flows.py
