"""The profile's replicas and action servers on a shared machine: a port in use before the
start, or taken between the check and the server's bind, and the server moves to a free one
(`movable_ports`, as the tests and `make bench` run it); `make prod`'s fixed ports say so."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from prod import PY, Proc, Profile, bindable, free_ports  # noqa: E402

#: A stand-in server: binds its port as the real ones do (or fails like them), answers 200.
SERVER = (
    "import http.server, sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        self.send_response(200); self.end_headers()\n"
    "    def log_message(self, *a): pass\n"
    "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
)


def _profile(tmp_path: Path, movable: bool = True) -> Profile:
    profile = Profile(model="unused", replicas=2, var_dir=tmp_path, movable_ports=movable,
                      rasa_base_port=free_ports(1)[0], action_base_port=free_ports(1)[0])

    def stand_in(name: str, port: int) -> Proc:
        return Proc(name, [PY, "-c", SERVER, str(port)], {}, tmp_path / f"{name}.log",
                    port=port, health=f"http://127.0.0.1:{port}/")

    profile.rasa_replica = lambda i: stand_in(f"rasa{i}", profile.rasa_ports[i])  # type: ignore[method-assign]
    profile.action_server = lambda i: stand_in(f"actions{i}", profile.action_ports[i])  # type: ignore[method-assign]
    return profile


def _listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_free_ports_are_different_and_free():
    ports = free_ports(6)
    assert len(set(ports)) == 6 and all(bindable(p) for p in ports)


def test_a_port_in_use_before_the_start_is_replaced(tmp_path: Path):
    profile = _profile(tmp_path)
    busy = profile.rasa_ports[1]
    with _listening(busy):
        profile._check_ports()
        assert busy not in profile.rasa_ports and len(set(profile.rasa_ports)) == 2
        assert all(bindable(p) for p in (*profile.rasa_ports, *profile.action_ports))


def test_a_port_taken_after_the_check_moves_the_server(tmp_path: Path):
    """The race seen under load: the server exits (errno 98) and is started elsewhere."""
    profile = _profile(tmp_path)
    busy = profile.action_ports[0]
    with _listening(busy):
        profile.actions = [profile.action_server(i) for i in range(2)]
        for proc in profile.actions:
            proc.start()
        try:
            for proc in list(profile.actions):
                profile._wait_ready(proc, timeout=30)
            assert busy not in profile.action_ports
            assert [p.port for p in profile.actions] == profile.action_ports
            assert all(p.alive() for p in profile.actions)
            assert f"server actions0 127.0.0.1:{profile.action_ports[0]}" in (
                profile.haproxy_config())
        finally:
            for proc in profile.actions:
                proc.stop()


def test_fixed_ports_in_use_stop_the_start_and_say_which(tmp_path: Path):
    profile = _profile(tmp_path, movable=False)
    # The busy port is one this test holds (bound to port 0 first): a fixed port next to a
    # free one may already be in use by anything on the machine, which made this test flaky.
    with _listening(0) as sock:
        busy = sock.getsockname()[1]
        profile.rasa_ports[0] = busy
        with pytest.raises(SystemExit, match=str(busy)):
            profile._check_ports()


def _profile_with_front(tmp_path: Path, movable: bool = True) -> Profile:
    profile = _profile(tmp_path, movable)
    profile.rasa_port, profile.action_port = free_ports(2)
    (tmp_path / "prod" / "logs").mkdir(parents=True, exist_ok=True)
    return profile


def test_haproxy_front_port_taken_before_its_bind_moves_both(tmp_path: Path):
    """The CI flake of session 10: a front port picked free at the start was taken by the
    time haproxy bound it. haproxy now starts before the replicas (which are told its action
    port) and, when ports may move, picks both front ports again."""
    profile = _profile_with_front(tmp_path)
    first_rasa, first_action = profile.rasa_port, profile.action_port
    with _listening(first_rasa):
        profile._start_haproxy_movable()
        try:
            assert profile.haproxy is not None and profile.haproxy.alive()
            assert first_rasa not in (profile.rasa_port, profile.action_port)
            assert not bindable(profile.rasa_port) and not bindable(profile.action_port)
            assert f"bind 127.0.0.1:{profile.rasa_port}" in (tmp_path / "prod" / "haproxy.cfg"
                                                             ).read_text()
            assert f":{first_action}/" not in profile.env()["ACTION_SERVER_URL"]
        finally:
            profile.haproxy.stop()


def test_haproxy_port_raced_after_the_check_is_retried(tmp_path: Path, monkeypatch):
    """Taken between the check and haproxy's own bind: haproxy exits, and starts again on
    other ports (`port_was_taken` reads its log)."""
    profile = _profile_with_front(tmp_path)
    busy = profile.action_port
    monkeypatch.setattr("prod.bindable", lambda port: True)  # the check sees it free
    with _listening(busy):
        profile._start_haproxy_movable()
        try:
            assert profile.haproxy is not None and profile.haproxy.alive()
            assert busy not in (profile.rasa_port, profile.action_port)
        finally:
            profile.haproxy.stop()


def test_haproxy_fixed_front_port_in_use_fails_the_start(tmp_path: Path):
    profile = _profile_with_front(tmp_path, movable=False)
    with _listening(profile.rasa_port):
        with pytest.raises(SystemExit, match=str(profile.rasa_port)):
            profile._start_haproxy_movable()
    with _listening(profile.action_port):  # taken after the check: haproxy's exit is seen
        profile._move_front_ports = lambda: None  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="exited"):
            profile.start_haproxy()


def test_a_moved_replica_never_gets_a_front_or_service_port(tmp_path: Path, monkeypatch):
    """Review of session 11: the replacement was picked outside the replicas' own ports only,
    so a replica could be given haproxy's front port (bound first since then) and fail."""
    profile = _profile_with_front(tmp_path)
    fresh = free_ports(1)[0]
    offered = [profile.rasa_port, profile.action_port, profile.pg_port, profile.redis_port, fresh]
    monkeypatch.setattr("prod.free_ports", lambda count: offered[: max(count, len(offered))])
    busy = profile.rasa_ports[0]
    with _listening(busy):
        profile._check_ports()
    assert profile.rasa_ports[0] == fresh
