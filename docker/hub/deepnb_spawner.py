"""A small Docker spawner for JupyterHub, on Debian's python3-docker.

jupyterhub_config.py uses it only where DockerSpawner (pip install dockerspawner) is missing, as on
a Debian server with the jupyterhub package. It starts one container per user from the students'
image, with the user's named volume on ~/work, the memory and CPU limits of Spawner.mem_limit and
Spawner.cpu_limit, and the server's port published on 127.0.0.1 only, where the hub's proxy
reaches it. The container runs the image's start-notebook.sh, which starts jupyterhub-singleuser
when JupyterHub's environment is set. Stopping a server removes its container, never its volume.
"""

import asyncio

import docker
from jupyterhub.spawner import Spawner
from traitlets import Dict, Unicode, default


class DeepnbDockerSpawner(Spawner):
    """Spawns each user's server in a Docker container of the students' image."""

    image = Unicode("deepnb/notebook:latest", config=True, help="The single-user image.")
    volumes = Dict(
        {"jupyterhub-user-{username}": "/home/jovyan/work"},
        config=True,
        help="Named volumes (formatted with {username}) and where they are mounted.",
    )
    host_ip = Unicode("127.0.0.1", config=True, help="The host address the server's port is published on.")
    network_name = Unicode("bridge", config=True, help="The Docker network of the containers.")
    name_template = Unicode("jupyter-{username}", config=True, help="The container's name.")

    container_id = Unicode("")

    @default("ip")
    def _default_ip(self):
        return "0.0.0.0"  # inside the container

    @default("port")
    def _default_port(self):
        return 8888

    @default("cmd")
    def _default_cmd(self):
        return ["start-notebook.sh"]

    def _format(self, s):
        return s.format(username=self.user.name, servername=self.name or "")

    @property
    def container_name(self):
        name = self._format(self.name_template)
        return f"{name}-{self.name}" if self.name else name

    def load_state(self, state):
        super().load_state(state)
        self.container_id = state.get("container_id", "")

    def get_state(self):
        state = super().get_state()
        if self.container_id:
            state["container_id"] = self.container_id
        return state

    def clear_state(self):
        super().clear_state()
        self.container_id = ""

    def _container(self, client):
        try:
            return client.containers.get(self.container_id or self.container_name)
        except docker.errors.NotFound:
            return None

    def _run(self):
        client = docker.from_env()
        old = self._container(client)
        if old is not None:
            old.remove(force=True)
        kwargs = {}
        if self.mem_limit:
            kwargs["mem_limit"] = int(self.mem_limit)
        if self.cpu_limit:
            kwargs["nano_cpus"] = int(self.cpu_limit * 1e9)
        c = client.containers.run(
            self.image,
            command=self.cmd + self.get_args(),
            name=self.container_name,
            detach=True,
            environment=self.get_env(),
            volumes={self._format(v): {"bind": m, "mode": "rw"} for v, m in self.volumes.items()},
            ports={f"{self.port}/tcp": (self.host_ip, None)},
            network=self.network_name,
            labels={"deepnb.hub.user": self.user.name},
            security_opt=["no-new-privileges"],
            **kwargs,
        )
        c.reload()
        host_port = int(c.attrs["NetworkSettings"]["Ports"][f"{self.port}/tcp"][0]["HostPort"])
        return c.id, host_port

    async def start(self):
        self.container_id, host_port = await asyncio.to_thread(self._run)
        self.log.info("started %s (%s) for %s on %s:%d", self.container_name, self.container_id[:12], self.user.name, self.host_ip, host_port)
        return (self.host_ip, host_port)

    def _poll(self):
        c = self._container(docker.from_env())
        if c is None:
            return 0
        if c.status in ("created", "running", "restarting"):
            return None
        return c.attrs["State"].get("ExitCode", 0)

    async def poll(self):
        return await asyncio.to_thread(self._poll)

    def _stop(self):
        c = self._container(docker.from_env())
        if c is not None:
            c.remove(force=True)

    async def stop(self, now=False):
        await asyncio.to_thread(self._stop)
        self.clear_state()
