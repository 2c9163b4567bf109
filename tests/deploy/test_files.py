"""The deployment files, checked offline (no container engine here): they parse, what they
reference exists, every variable they give Plenary is one it reads, secrets come from the
environment, the web processes have their probes, and nginx accepts its configurations."""

import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from deploy.cluster import self_signed_certificate
from server.cli import ASR_COMMANDS
from tests.support.server import REPO

DEPLOY = REPO / "deploy"
# Documents are YAML mappings whose shape each test knows.
Document = dict[str, object]


def known_variables() -> set[str]:
    """Every environment variable Plenary reads (server settings and the speech engines)."""
    names: set[str] = set()
    for source in [*(REPO / "server").rglob("*.py"), *(REPO / "asr").rglob("*.py")]:
        names |= set(
            re.findall(
                r'(?:environ\.get|_required|_env_list)\(\s*"([A-Z][A-Z0-9_]+)"', source.read_text()
            )
        )
    return names


def plenary_command_exists(argv: list[str]) -> bool:
    """``plenary SUBCOMMAND …`` names a management command or a speech tool."""
    name = argv[1] if argv[0].endswith("plenary") else ""
    return name in ASR_COMMANDS or name.replace("-", "_") in get_commands()


def plenary_commands(shell: str) -> Iterator[list[str]]:
    for part in re.split(r"&&|;", shell):
        words = shlex.split(part)
        if words and words[0].endswith("plenary"):
            yield words


def mapping(value: object) -> Document:
    assert isinstance(value, dict), value
    return value


def listing(value: object) -> list[object]:
    assert isinstance(value, list), value
    return value


# Compose ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> Document:
    return mapping(yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text()))


def plenary_services(compose: Document) -> dict[str, Document]:
    services = mapping(compose["services"])
    return {
        name: mapping(service)
        for name, service in services.items()
        if str(mapping(service).get("image", "")).startswith("${PLENARY_IMAGE")
    }


def test_compose_has_the_production_topology(compose: Document) -> None:
    services = mapping(compose["services"])
    assert set(services) == {
        *("postgres", "redis", "migrate", "web", "asr-worker", "janus", "prune", "nginx")
    }
    for name, service in services.items():
        for dependency in mapping(mapping(service).get("depends_on", {})):
            assert dependency in services, f"{name} depends on a missing service {dependency}"
    assert mapping(mapping(services["web"])["depends_on"])["migrate"] == {
        "condition": "service_completed_successfully"
    }
    for name in ("web", "asr-worker", "migrate", "prune"):
        volumes = listing(mapping(services[name])["volumes"])
        assert "recordings:/var/lib/plenary/recordings" in volumes
        assert name == "prune" or "models:/var/lib/plenary/models" in volumes


def test_compose_gives_plenary_only_variables_it_reads_and_secrets_from_outside(
    compose: Document,
) -> None:
    known = known_variables()
    for name, service in plenary_services(compose).items():
        env = {key: str(value) for key, value in mapping(service["environment"]).items()}
        assert set(env) <= known, f"{name}: unknown variables {set(env) - known}"
        assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= set(env)
        assert env["PLENARY_ENV"] == "production"
        assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
        assert "${POSTGRES_PASSWORD" in env["DATABASE_URL"]
        command = service["command"]
        shell = command if isinstance(command, str) else shlex.join(map(str, listing(command)))
        for argv in plenary_commands(shell.removeprefix("sh -c ").strip("\"'")):
            assert plenary_command_exists(argv), f"{name}: no command {argv[:2]}"


def test_compose_runs_janus_apart_with_its_apis_unpublished(compose: Document) -> None:
    services = plenary_services(compose)
    janus = services["janus"]
    assert listing(janus["command"]) == ["plenary", "janus"]
    assert all(str(port).endswith("/udp") for port in listing(janus["ports"]))  # media only
    web = {key: str(value) for key, value in mapping(services["web"]["environment"]).items()}
    assert web["PLENARY_JANUS"] == "external"
    assert web["PLENARY_JANUS_WS_URL"] == "ws://janus:8188"
    assert "janus" in mapping(services["web"]["depends_on"])
    for secret in ("PLENARY_JANUS_ADMIN_SECRET", "PLENARY_JANUS_TOKEN_SECRET"):
        assert web[secret].startswith("${JANUS_") and ":?" in web[secret]


def test_compose_mounts_files_that_exist(compose: Document) -> None:
    for name, service in mapping(compose["services"]).items():
        for volume in listing(mapping(service).get("volumes", [])):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                path = DEPLOY / "compose" / source
                assert path.exists() or source == "./tls", f"{name} mounts missing {source}"


REDIS_PASSWORD = "${REDIS_PASSWORD:?set REDIS_PASSWORD}"


def test_compose_redis_wants_the_password_plenary_is_given(compose: Document) -> None:
    redis = mapping(mapping(compose["services"])["redis"])
    command = [str(word) for word in listing(redis["command"])]
    assert command[command.index("--requirepass") + 1] == REDIS_PASSWORD
    assert mapping(redis["environment"])["REDISCLI_AUTH"] == REDIS_PASSWORD  # health check
    for name, service in plenary_services(compose).items():
        assert mapping(service["environment"])["REDIS_PASSWORD"] == REDIS_PASSWORD, name


def test_compose_prunes_recordings_daily(compose: Document) -> None:
    prune = plenary_services(compose)["prune"]
    shell = listing(prune["command"])[-1]
    assert "plenary recordings prune" in str(shell) and "sleep 86400" in str(shell)


def test_compose_worker_metrics_are_opened_to_the_network(compose: Document) -> None:
    """Loopback is the default: a container's metrics must say so to be scraped."""
    env = mapping(plenary_services(compose)["asr-worker"]["environment"])
    assert env["PLENARY_ASR_METRICS_PORT"] and env["PLENARY_ASR_METRICS_HOST"] == "0.0.0.0"


# Kubernetes ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> list[Document]:
    folder = DEPLOY / "kubernetes"
    resources = listing(
        mapping(yaml.safe_load((folder / "kustomization.yaml").read_text()))["resources"]
    )
    documents: list[Document] = []
    for resource in resources:
        assert (folder / str(resource)).exists(), f"kustomization lists missing {resource}"
        documents += [mapping(d) for d in yaml.safe_load_all((folder / str(resource)).read_text())]
    return documents


def containers(manifests: list[Document], kind: str) -> dict[str, Document]:
    found: dict[str, Document] = {}
    for document in manifests:
        if document["kind"] == kind:
            spec = mapping(mapping(mapping(document["spec"])["template"])["spec"])
            for container in listing(spec["containers"]):
                found[str(mapping(document["metadata"])["name"])] = mapping(container)
    return found


def test_kubernetes_web_pods_have_readiness_and_liveness_probes(manifests: list[Document]) -> None:
    web = containers(manifests, "Deployment")["plenary-web"]
    assert mapping(mapping(web["readinessProbe"])["httpGet"])["path"] == "/readyz"
    assert mapping(mapping(web["livenessProbe"])["httpGet"])["path"] == "/healthz"
    for name, container in containers(manifests, "StatefulSet").items():
        assert "readinessProbe" in container and "livenessProbe" in container, name


def test_kubernetes_gives_plenary_known_variables_and_secrets_from_the_secret(
    manifests: list[Document],
) -> None:
    known = known_variables()
    [config] = [d for d in manifests if d["kind"] == "ConfigMap"]
    assert set(mapping(config["data"])) <= known
    documented = set(
        re.findall(
            r"--from-literal=([A-Z_]+)=", (DEPLOY / "kubernetes" / "kustomization.yaml").read_text()
        )
    )
    plenary = {
        **containers(manifests, "Deployment"),
        **containers(manifests, "Job"),
    }
    plenary = {k: v for k, v in plenary.items() if str(v["image"]).startswith("plenary:")}
    assert set(plenary) == {"plenary-web", "plenary-asr-worker", "plenary-janus", "plenary-migrate"}
    for name, container in plenary.items():
        env = {str(mapping(e)["name"]): mapping(e) for e in listing(container["env"])}
        assert {"SECRET_KEY", "DATABASE_URL"} <= set(env) <= known
        for variable in ("SECRET_KEY", "DATABASE_URL"):
            secret = mapping(mapping(env[variable]["valueFrom"])["secretKeyRef"])
            assert secret["name"] == "plenary-secrets" and secret["key"] in documented
        command = shlex.join(map(str, listing(container["command"])))
        for argv in plenary_commands(command.removeprefix("sh -c ").strip("'\"")):
            assert plenary_command_exists(argv), f"{name}: no command {argv[:2]}"


def test_kubernetes_audio_is_sticky_and_nothing_else(manifests: list[Document]) -> None:
    ingresses = {
        str(mapping(d["metadata"])["name"]): mapping(mapping(d["metadata"])["annotations"])
        for d in manifests
        if d["kind"] == "Ingress"
    }
    assert ingresses["plenary-audio"]["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$uri"
    assert "nginx.ingress.kubernetes.io/upstream-hash-by" not in ingresses["plenary"]


def secret_env(container: Document) -> dict[str, str]:
    """The container's variables taken from a secret: name → key in plenary-secrets."""
    found = {}
    for entry in listing(container.get("env", [])):
        source = mapping(mapping(entry).get("valueFrom", {})).get("secretKeyRef")
        if source is not None:
            assert mapping(source)["name"] == "plenary-secrets"
            found[str(mapping(entry)["name"])] = str(mapping(source)["key"])
    return found


def documented_secrets() -> set[str]:
    kustomization = (DEPLOY / "kubernetes" / "kustomization.yaml").read_text()
    return set(re.findall(r"--from-literal=([A-Z_]+)=", kustomization))


def test_kubernetes_redis_wants_the_password_plenary_is_given(manifests: list[Document]) -> None:
    deployments = containers(manifests, "Deployment")
    redis = deployments["redis"]
    args = [str(a) for a in listing(redis["args"])]
    assert args[args.index("--requirepass") + 1] == "$(REDIS_PASSWORD)"
    assert secret_env(redis) == {"REDIS_PASSWORD": "REDIS_PASSWORD"}
    assert "REDIS_PASSWORD" in documented_secrets()
    for name in ("plenary-web", "plenary-asr-worker"):
        assert secret_env(deployments[name])["REDIS_PASSWORD"] == "REDIS_PASSWORD", name


def pod_labels(manifests: list[Document]) -> dict[str, str]:
    """The ``app`` label of every pod the manifests make, by the name of what makes it."""
    labels = {}
    for document in manifests:
        spec = mapping(document.get("spec", {}))
        if document["kind"] == "CronJob":
            spec = mapping(mapping(spec["jobTemplate"])["spec"])
        if "template" in spec:
            metadata = mapping(mapping(spec["template"]).get("metadata", {}))
            app = mapping(metadata.get("labels", {})).get("app")
            labels[str(mapping(document["metadata"])["name"])] = str(app)
    return labels


def admitted(policy: Document) -> tuple[str, set[str], set[object]]:
    """Whose pods a policy protects, which pods' ``app`` it lets in, and on which ports."""
    spec = mapping(policy["spec"])
    target = str(mapping(mapping(spec["podSelector"])["matchLabels"])["app"])
    assert spec["policyTypes"] == ["Ingress"]
    apps: set[str] = set()
    ports: set[object] = set()
    for rule in listing(spec["ingress"]):
        for source in listing(mapping(rule)["from"]):
            assert set(mapping(source)) == {"podSelector"}, "only pods of this namespace"
            [expression] = listing(mapping(mapping(source)["podSelector"])["matchExpressions"])
            assert mapping(expression)["key"] == "app" and mapping(expression)["operator"] == "In"
            apps |= {str(v) for v in listing(mapping(expression)["values"])}
        ports |= {mapping(p)["port"] for p in listing(mapping(rule)["ports"])}
    return target, apps, ports


def test_kubernetes_lets_only_plenary_pods_reach_redis_and_postgresql(
    manifests: list[Document],
) -> None:
    labels = pod_labels(manifests)
    found = [admitted(d) for d in manifests if d["kind"] == "NetworkPolicy"]
    policies = {target: (apps, ports) for target, apps, ports in found}
    assert set(policies) == {labels["redis"], labels["postgres"]}
    web, worker = labels["plenary-web"], labels["plenary-asr-worker"]
    assert policies["redis"] == ({web, worker}, {6379})
    jobs = {labels["plenary-migrate"], labels["plenary-prune"]}
    assert policies["postgres"] == ({web, worker} | jobs, {5432})


def test_kubernetes_prunes_recordings_daily(manifests: list[Document]) -> None:
    [cronjob] = [d for d in manifests if d["kind"] == "CronJob"]
    assert len(str(mapping(cronjob["spec"])["schedule"]).split()) == 5
    job = mapping(mapping(mapping(cronjob["spec"])["jobTemplate"])["spec"])
    pod = mapping(mapping(job["template"])["spec"])
    [container] = [mapping(c) for c in listing(pod["containers"])]
    command = [str(word) for word in listing(container["command"])]
    assert command == ["plenary", "recordings", "prune"] and plenary_command_exists(command)
    assert set(secret_env(container).values()) <= documented_secrets()
    assert {"SECRET_KEY", "DATABASE_URL"} <= set(secret_env(container))
    claims = [
        mapping(mapping(v)["persistentVolumeClaim"])["claimName"] for v in listing(pod["volumes"])
    ]
    assert claims == ["plenary-recordings"]


def test_kubernetes_worker_metrics_are_opened_to_the_probe(manifests: list[Document]) -> None:
    worker = containers(manifests, "Deployment")["plenary-asr-worker"]
    env = {str(mapping(e)["name"]): mapping(e).get("value") for e in listing(worker["env"])}
    assert "livenessProbe" in worker and env["PLENARY_ASR_METRICS_HOST"] == "0.0.0.0"


# systemd ------------------------------------------------------------------------------------


def unit_lines(path: Path, key: str) -> list[str]:
    return [
        line.split("=", 1)[1]
        for line in path.read_text().splitlines()
        if line.startswith(f"{key}=")
    ]


def test_systemd_units_run_existing_commands_with_the_environment_file() -> None:
    units = sorted((DEPLOY / "systemd").glob("plenary-*.service"))
    assert {u.name for u in units} == {
        "plenary-migrate.service",
        "plenary-web@.service",
        "plenary-asr-worker@.service",
        "plenary-prune.service",
        "plenary-janus.service",
    }
    for unit in units:
        owner = ["/etc/plenary/owner.env"] if unit.name == "plenary-migrate.service" else []
        assert unit_lines(unit, "EnvironmentFile") == ["/etc/plenary/plenary.env", *owner]
        for command in unit_lines(unit, "ExecStart"):
            assert plenary_command_exists(shlex.split(command)), f"{unit.name}: {command}"
        assert "plenary.target" in unit.read_text()


def test_the_example_environment_file_names_known_variables_and_holds_no_secret() -> None:
    lines = (DEPLOY / "systemd" / "plenary.env.example").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert set(env) <= known_variables()
    assert env["SECRET_KEY"] == ""
    assert "PASSWORD@" in env["DATABASE_URL"]  # a placeholder


# nginx --------------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["nginx/plenary-site.conf", "compose/nginx.conf"])
def test_nginx_accepts_the_site(site: str, tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (make cluster installs nginx-light)")
    self_signed_certificate(tmp_path / "plenary.crt", tmp_path / "plenary.key", tmp_path)
    text = (DEPLOY / site).read_text()
    text = text.replace("/etc/nginx/plenary/", f"{DEPLOY / 'nginx'}/")
    text = text.replace("/etc/nginx/tls/", f"{tmp_path}/").replace(
        "/var/log/nginx/", f"{tmp_path}/"
    )
    text = text.replace("server web:8000", "server 127.0.0.1:8000")  # Compose's DNS name
    (tmp_path / "site.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
