"""A throwaway Spark cluster for the tests, from the pyspark wheel (Java from Debian's openjdk-17-jre-headless).

One standalone master, two workers (1 core, 1 GiB each) and a Spark Connect server
whose executors run on those workers (512 MiB each), all on free local ports, with
logs, warehouse and work folders in one temporary folder. Each process is started in
a process group of its own (workers start their executors inside theirs), so
:meth:`Cluster.stop` ends everything, executors included, by group.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.serve import free_port

HOST = "127.0.0.1"
WORKERS = 2
WORKER_MEMORY = "1g"
EXECUTOR_MEMORY = "512m"
# Small JVMs that start quickly on a shared two-core machine.
JVM_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ActiveProcessorCount=1"


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def java() -> str | None:
    return shutil.which("java")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) == 0


@dataclass
class Cluster:
    root: Path
    master_port: int
    master_ui_port: int
    connect_port: int
    procs: list[subprocess.Popen] = field(default_factory=list)
    started_s: float = 0.0  # seconds from the first process to a query answered by the executors

    @property
    def url(self) -> str:
        return f"sc://{HOST}:{self.connect_port}"

    @property
    def master_url(self) -> str:
        return f"spark://{HOST}:{self.master_port}"

    def state(self) -> dict:
        """The master's view of the cluster: workers, running applications (its JSON status page)."""
        with urllib.request.urlopen(f"http://{HOST}:{self.master_ui_port}/json/", timeout=10) as r:
            return json.loads(r.read())

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def log(self, name: str) -> str:
        path = self.root / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """End every process group (connect server first, master last) and remove the folder."""
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # executors left in the group, if any
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        if not os.environ.get("SPARK_TESTS_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)


def _env(root: Path) -> dict[str, str]:
    conf = root / "conf"
    conf.mkdir()
    # a quiet log: warnings only (the logs stay in the temporary folder)
    (conf / "log4j2.properties").write_text(
        "rootLogger.level = warn\nrootLogger.appenderRef.file.ref = console\n"
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d %p %c{1}: %m%n\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    env.update(
        SPARK_HOME=str(spark_home()), SPARK_CONF_DIR=str(conf), SPARK_LOG_DIR=str(root / "logs"),
        SPARK_LOCAL_IP=HOST, SPARK_LOCAL_DIRS=str(root / "local"), SPARK_WORKER_DIR=str(root / "work"),
        SPARK_WORKER_MEMORY=WORKER_MEMORY, SPARK_DAEMON_JAVA_OPTS=JVM_OPTS,
        SPARK_NO_DAEMONIZE="1",
    )
    return env


def start(*, timeout_s: float = 300.0) -> Cluster:
    """Start the cluster and wait until the Connect server runs a job on the executors."""
    if java() is None:
        raise RuntimeError("Spark tests need Java: apt-get install -y openjdk-17-jre-headless")
    home = spark_home()
    root = Path(tempfile.mkdtemp(prefix="dashboard-spark-"))
    (root / "logs").mkdir()
    env = _env(root)
    cluster = Cluster(root, free_port(), free_port(), free_port())
    began = time.monotonic()

    def spawn(name: str, args: list[str], **extra: str) -> None:
        out = open(root / "logs" / f"{name}.log", "wb")  # noqa: SIM115 - the child owns it
        cluster.procs.append(subprocess.Popen(args, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL, start_new_session=True))
        out.close()

    try:
        spawn("master", [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master",
                         "--host", HOST, "--port", str(cluster.master_port),
                         "--webui-port", str(cluster.master_ui_port)], SPARK_DAEMON_MEMORY="256m")
        for i in range(WORKERS):
            spawn(f"worker{i}", [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.worker.Worker",
                                 "--host", HOST, "--port", str(free_port()), "--webui-port", str(free_port()),
                                 "--cores", "1", "--memory", WORKER_MEMORY, "--work-dir", str(root / f"work{i}"),
                                 cluster.master_url], SPARK_DAEMON_MEMORY="256m")
        confs = {
            "spark.connect.grpc.binding.address": HOST,
            "spark.connect.grpc.binding.port": str(cluster.connect_port),
            "spark.executor.memory": EXECUTOR_MEMORY,
            "spark.executor.cores": "1",
            "spark.cores.max": str(WORKERS),
            "spark.driver.memory": "1g",
            "spark.driver.host": HOST,
            "spark.driver.extraJavaOptions": JVM_OPTS,
            "spark.executor.extraJavaOptions": JVM_OPTS,
            "spark.sql.warehouse.dir": str(root / "warehouse"),
            "spark.sql.shuffle.partitions": str(WORKERS),
            "spark.ui.enabled": "false",
            "spark.scheduler.minRegisteredResourcesRatio": "1.0",
            "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
        }
        args = [str(home / "bin" / "spark-submit"), "--master", cluster.master_url, "--name", "dashboard-tests",
                "--class", "org.apache.spark.sql.connect.service.SparkConnectServer"]
        for key, value in confs.items():
            args += ["--conf", f"{key}={value}"]
        spawn("connect", [*args, "spark-internal"])
        _wait(cluster, began + timeout_s)
    except BaseException:
        cluster.stop()
        raise
    cluster.started_s = time.monotonic() - began
    return cluster


def _wait(cluster: Cluster, deadline: float) -> None:
    """Until the Connect server listens, both workers run its executors and a job has run on them."""
    while not (_listening(cluster.connect_port) and _executors(cluster) == WORKERS):
        for proc in cluster.procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a Spark process ended (exit {proc.returncode}):\n{_tails(cluster)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Spark cluster did not start in time:\n{_tails(cluster)}")
        time.sleep(0.5)
    from connectors.spark import SparkStore

    store = SparkStore(cluster.url)
    try:
        assert store.session().range(0, 1000, 1, WORKERS).count() == 1000
    finally:
        store.close()


def _executors(cluster: Cluster) -> int:
    """Cores granted to the running application (one per executor), 0 while the master is not up."""
    try:
        state = cluster.state()
    except OSError:
        return 0
    alive = [w for w in state.get("workers", []) if w.get("state") == "ALIVE"]
    granted = sum(int(app.get("cores", 0)) for app in state.get("activeapps", []))
    return min(len(alive), granted)


def _tails(cluster: Cluster) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
                     for p in sorted((cluster.root / "logs").glob("*.log")))
