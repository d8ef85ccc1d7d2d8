# JupyterHub configuration for the test hubs (hub6, hub52), started by tests/servers/start.sh.
# Everything a run writes lives under tests/servers/run/<name>/ (gitignored).
#
# Environment (set by start.sh from ports.env):
#   BYOB_HUB_NAME          hub6 | hub52 (names the run directory)
#   BYOB_HUB_PORT          public port (the proxy)
#   BYOB_HUB_API_PORT      the hub's own port (proxied at /hub/)
#   BYOB_PROXY_API_PORT    configurable-http-proxy's REST API
#   BYOB_BINDER_SERVICE_PORT  optional: run binderhub_standin.py --api-only as the managed
#                          JupyterHub service "binder", proxied at /services/binder/
#   BYOB_HUB_PASSWORD      DummyAuthenticator password (any user name)
import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets)

here = os.path.dirname(os.path.abspath(globals().get("__file__") or os.environ["BYOB_SERVERS_DIR"] + "/x"))
name = os.environ.get("BYOB_HUB_NAME", "hub")
run_dir = os.path.join(here, "run", name)
home_root = os.path.join(run_dir, "home")
os.makedirs(home_root, exist_ok=True)
bin_dir = os.path.dirname(sys.executable)  # the venv's bin/: jupyterhub runs from it

# Network: loopback only, fixed ports.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("BYOB_HUB_PORT", "18001"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("BYOB_HUB_API_PORT", "18011"))

# State files of this run.
c.JupyterHub.db_url = "sqlite:///" + os.path.join(run_dir, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(run_dir, "jupyterhub_cookie_secret")

# The proxy: the pure-Python port of configurable-http-proxy from PyPI, in the same venv.
c.JupyterHub.proxy_class = "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [os.path.join(bin_dir, "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % os.environ.get("BYOB_PROXY_API_PORT", "18021")
c.ConfigurableHTTPProxy.pid_file = os.path.join(run_dir, "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

# Authentication: any user name, one shared password.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("BYOB_HUB_PASSWORD", "byob")
c.Authenticator.allow_all = True

# Spawner: local processes as the hub's own user (root here, hence --allow-root), homes under
# run/<name>/home/<user> so tests can look at what nbgitpuller cloned.
# The single-user servers run from the hub's own venv (requirements-<name>.txt): JupyterLab and
# nbgitpuller (its git-pull page and API are what the launch flows of test-flows.sh go through).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(home_root, "{username}")
c.Spawner.cmd = [os.path.join(bin_dir, "jupyterhub-singleuser")]
c.Spawner.args = ["--allow-root"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    # keep the single-user servers' Jupyter state out of the real home of root
    "JUPYTER_RUNTIME_DIR": os.path.join(run_dir, "runtime"),
    "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
}

# On SIGTERM, stop the proxy and every single-user server (the defaults, stated on purpose:
# stop.sh relies on them and only then kills what is left of the recorded process tree).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Optional: the binderhub-service shape, a BinderHub API behind this hub at /services/binder/.
service_port = os.environ.get("BYOB_BINDER_SERVICE_PORT")
if service_port:
    c.JupyterHub.services = [
        {
            "name": "binder",
            "url": "http://127.0.0.1:%s" % service_port,
            "command": [
                sys.executable,
                os.path.join(here, "binderhub_standin.py"),
                "--api-only",
                "--base", "/services/binder/",
                "--port", service_port,
                # stop.sh finds it even if the hub died without stopping it
                "--pid-file", os.path.join(run_dir, "binder-service.pid"),
            ],
        }
    ]
