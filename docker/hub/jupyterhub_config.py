# JupyterHub for a class on one server, with the deepnb students' image (docker/Dockerfile).
#
#   docker build -t deepnb/notebook:latest -f docker/Dockerfile .
#   sudo jupyterhub -f docker/hub/jupyterhub_config.py
#
# Each student gets a container of the image, with ~/work in their own Docker volume
# (jupyterhub-user-<name>, kept when the server stops), memory and CPU limits, and no route from one
# student's server to another's: containers publish their port on 127.0.0.1 only, and the hub's proxy
# lets each user reach their own server alone. Idle servers and kernels are stopped.
#
# Settings (environment variables):
#   DEEPNB_HUB_IMAGE   the image                               (deepnb/notebook:latest)
#   DEEPNB_HUB_MEM     memory limit per student                (2G)
#   DEEPNB_HUB_CPUS    CPU limit per student                   (1.0)
#   DEEPNB_HUB_IDLE    seconds before an idle server is culled (3600; idle kernels after half of it)
#   DEEPNB_HUB_NETWORK the Docker network of the servers, made if missing with traffic between
#                      containers disabled                     (deepnb-class)
#   DEEPNB_HUB_API_PORT the port of the hub's API on that network's gateway (8081)
#
# Users log in with the machine's accounts (PAM, JupyterHub's default); set
# c.JupyterHub.authenticator_class to the school's (e.g. "ldapauthenticator.LDAPAuthenticator",
# "oauthenticator.GenericOAuthenticator") and list the teachers in c.Authenticator.admin_users.
# DockerSpawner (pip install dockerspawner) is used when installed; else docker/hub/deepnb_spawner.py,
# a small spawner on Debian's python3-docker.
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub provides get_config)

image = os.environ.get("DEEPNB_HUB_IMAGE", "deepnb/notebook:latest")
idle = int(os.environ.get("DEEPNB_HUB_IDLE", "3600"))
c.Spawner.mem_limit = os.environ.get("DEEPNB_HUB_MEM", "2G")
c.Spawner.cpu_limit = float(os.environ.get("DEEPNB_HUB_CPUS", "1.0"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.default_url = "/tree/work"
volumes = {"jupyterhub-user-{username}": "/home/jovyan/work"}


network = os.environ.get("DEEPNB_HUB_NETWORK", "deepnb-class")


def class_network(name):
    """Returns the gateway address (the host's, where containers reach the hub's API) of the Docker
    network name, made if missing as a bridge on which containers cannot reach one another."""
    import docker

    client = docker.from_env()
    try:
        net = client.networks.get(name)
    except docker.errors.NotFound:
        net = client.networks.create(name, driver="bridge", options={"com.docker.network.bridge.enable_icc": "false"})
        net.reload()
    return net.attrs["IPAM"]["Config"][0]["Gateway"]


# The proxy serves the class on port 8000 (put TLS in front, or set c.JupyterHub.ssl_cert/ssl_key);
# the hub's API listens on the class network's gateway, where the students' containers reach it.
c.JupyterHub.bind_url = "http://:8000"
c.JupyterHub.hub_bind_url = f"http://{class_network(network)}:{os.environ.get('DEEPNB_HUB_API_PORT', '8081')}"
c.JupyterHub.cleanup_servers = True
# Debian's configurable-http-proxy keeps its JavaScript modules in /usr/share/nodejs, which a Node.js
# from elsewhere (NodeSource's) does not search by itself.
if os.path.isdir("/usr/share/nodejs") and "NODE_PATH" not in os.environ:
    os.environ["NODE_PATH"] = "/usr/share/nodejs"

try:
    import dockerspawner  # noqa: F401

    c.JupyterHub.spawner_class = "dockerspawner.DockerSpawner"
    c.DockerSpawner.image = image
    c.DockerSpawner.volumes = volumes
    c.DockerSpawner.remove = True
    c.DockerSpawner.host_ip = "127.0.0.1"
    c.DockerSpawner.network_name = network
    c.DockerSpawner.cmd = ["start-notebook.sh"]
    c.DockerSpawner.extra_host_config = {"security_opt": ["no-new-privileges"]}
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    c.JupyterHub.spawner_class = "deepnb_spawner.DeepnbDockerSpawner"
    c.DeepnbDockerSpawner.image = image
    c.DeepnbDockerSpawner.volumes = volumes
    c.DeepnbDockerSpawner.network_name = network

# Idle culling. With jupyterhub-idle-culler installed (pip install jupyterhub-idle-culler), the hub
# stops servers idle for DEEPNB_HUB_IDLE seconds. In any case each server culls its own idle kernels
# and shuts itself down after DEEPNB_HUB_IDLE seconds without activity, which the hub notices.
c.Spawner.args = [
    f"--NotebookApp.shutdown_no_activity_timeout={idle}",
    f"--MappingKernelManager.cull_idle_timeout={idle // 2}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
]
try:
    import jupyterhub_idle_culler  # noqa: F401

    c.JupyterHub.load_roles = [
        {"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"], "services": ["idle-culler"]}
    ]
    c.JupyterHub.services = [
        {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle}"]}
    ]
except ImportError:
    pass
