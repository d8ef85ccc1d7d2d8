# JupyterHub configuration for the test hubs (hub6, hub52), started by tests/servers/start.sh.
# Everything a run writes lives under tests/servers/run/<name>/ (gitignored).
#
# Environment (set by start.sh from ports.env):
#   BYOB_HUB_NAME          hub6 | hub52 (names the run directory)
#   BYOB_HUB_PORT          public port (the proxy)
#   BYOB_HUB_API_PORT      the hub's own port (proxied at /hub/)
#   BYOB_PROXY_API_PORT    configurable-http-proxy's REST API
#   BYOB_BINDER_SERVICE_PORT  optional: run binderhub_standin.py as the managed JupyterHub
#                          service "binder", proxied at /services/binder/, launching on this hub
#   BYOB_BINDER_SERVICE_MODE  api-only (the binderhub-service chart; hub6) or full (a BinderHub
#                          with its UI as a service; hub52)
#   BYOB_HUB_PASSWORD      DummyAuthenticator password (any user name)
import os
import shutil
import sys

from jupyterhub.spawner import SimpleLocalProcessSpawner
from tornado import web

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

# The proxy: the Node configurable-http-proxy that setup.sh installs into .venv/proxy (the one
# JupyterHub deployments run). The PyPI port in the venv re-encodes request paths (a
# BinderHub spec's %2F becomes /) and buffers whole answers (no event streams).
repo_root = os.path.dirname(os.path.dirname(here))
c.JupyterHub.proxy_class = "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [os.path.join(repo_root, ".venv", "proxy", "node_modules", ".bin", "configurable-http-proxy")]
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


class BinderLikeSpawner(SimpleLocalProcessSpawner):
    """Local processes, and for a BinderHub launch what BinderHub's spawner mixin does without
    authentication (jupyterhub/binderhub: binderhub/binderspawner_mixin.py): the launch's
    user_options carry an `image` and a `token`; the server is a plain Jupyter Server started
    with that token, not jupyterhub-singleuser. The stand-in's image is a directory (a shallow
    clone of the repository): it becomes the user's home, as a container image's files would."""

    def binder_launch(self):
        return bool(self.user_options.get("token") and self.user_options.get("image"))

    async def start(self):
        if self.binder_launch():
            image = self.user_options["image"]
            if not os.path.isdir(image):
                raise web.HTTPError(400, f"image {image} is not a built image (a directory)")
            shutil.copytree(image, self.home_dir, dirs_exist_ok=True)
            self.cmd = [os.path.join(bin_dir, "jupyter-lab")]
        return await super().start()

    def get_args(self):
        if not self.binder_launch():
            return super().get_args()
        return [
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--ServerApp.base_url={self.server.base_url}",
            f"--IdentityProvider.token={self.user_options['token']}",
            f"--ServerApp.root_dir={self.home_dir}",
            "--ServerApp.trust_xheaders=True",
            "--ServerApp.default_url=/lab",
            "--no-browser",
            "--allow-root",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]

    def get_env(self):
        env = super().get_env()
        for key in ("repo_url",):
            if key in self.user_options:
                env["BINDER_" + key.upper()] = self.user_options[key]
        return env


c.JupyterHub.spawner_class = BinderLikeSpawner
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

# Optional: a BinderHub stand-in as the managed service "binder" at /services/binder/: the
# binderhub-service shape (API only) or a full BinderHub with its UI, launching on this hub
# through its REST API as a temporary user (a BinderHub without authentication does this).
service_port = os.environ.get("BYOB_BINDER_SERVICE_PORT")
if service_port:
    mode = os.environ.get("BYOB_BINDER_SERVICE_MODE", "api-only")
    public_url = "http://127.0.0.1:%s/" % c.JupyterHub.port
    c.JupyterHub.services = [
        {
            "name": "binder",
            "url": "http://127.0.0.1:%s" % service_port,
            "command": [
                sys.executable,
                os.path.join(here, "binderhub_standin.py"),
                *(["--api-only"] if mode == "api-only" else []),
                "--base", "/services/binder/",
                "--port", service_port,
                "--hub-url", public_url,
                "--images", os.path.join(run_dir, "images"),
                "--log", os.path.join(run_dir, "binder-launches.jsonl"),
                "--servers-log", os.path.join(run_dir, "binder-servers.jsonl"),
                # stop.sh finds it even if the hub died without stopping it
                "--pid-file", os.path.join(run_dir, "binder-service.pid"),
            ],
        }
    ]
    # What BinderHub's service needs of the hub's API: make users, start and stop their servers.
    c.JupyterHub.load_roles = [
        {"name": "binder", "services": ["binder"], "scopes": ["admin:users", "admin:servers"]},
    ]
