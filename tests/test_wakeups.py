"""runtime/wakeups.py: a socket stays registered across waits, as production loops keep their fds."""

import selectors
import socket

import pytest

from runtime.wakeups import Wakeups

READ, WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE


class CountingSelector(selectors.DefaultSelector):
    """The default selector, counting the calls that cost an epoll_ctl."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def register(self, fileobj, events, data=None):
        self.calls.append("register")
        return super().register(fileobj, events, data)

    def modify(self, fileobj, events, data=None):
        self.calls.append("modify")
        return super().modify(fileobj, events, data)

    def unregister(self, fileobj):
        self.calls.append("unregister")
        return super().unregister(fileobj)


@pytest.fixture
def wakeups():
    wakeups = Wakeups()
    wakeups.selector.close()
    wakeups.selector = CountingSelector()
    yield wakeups
    wakeups.close()


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_waiting_to_read_again_costs_no_registration_call(wakeups, pair):
    ours, theirs = pair
    for round_ in range(3):
        wakeups.on_socket(ours, READ, f"reader {round_}")
        theirs.send(b"x")
        assert wakeups.wait() == [f"reader {round_}"]
        assert ours.recv(1) == b"x"
    assert wakeups.selector.calls == ["register"]  # once, for the first wait
    assert not wakeups.pending()  # registered, but no one waits


def test_a_change_of_events_modifies_and_an_unwaited_readiness_is_dropped(wakeups, pair):
    ours, theirs = pair
    wakeups.on_socket(ours, READ, "reader")
    theirs.send(b"x")
    assert wakeups.wait() == ["reader"]
    wakeups.on_socket(ours, WRITE, "writer")  # the byte stays unread: readable, and nobody waits to read
    assert wakeups.wait() == ["writer"]
    assert wakeups.selector.calls == ["register", "modify", "modify"]  # + WRITE, then READ dropped
    assert wakeups.selector.get_key(ours).events == WRITE


def test_forget_unregisters_a_closing_socket(wakeups, pair):
    ours, _theirs = pair
    wakeups.on_socket(ours, WRITE, "writer")
    assert wakeups.wait() == ["writer"]
    wakeups.forget(ours)
    assert wakeups.selector.calls == ["register", "unregister"]
    with pytest.raises(KeyError):
        wakeups.selector.get_key(ours)
    wakeups.forget(ours)  # twice, or a socket never waited on: nothing to do
    assert wakeups.selector.calls == ["register", "unregister"]


def test_a_socket_closed_without_forget_does_not_hide_a_new_one_on_its_fd(wakeups):
    first, first_peer = socket.socketpair()
    wakeups.on_socket(first, WRITE, "old")
    assert wakeups.wait() == ["old"]
    fd = first.fileno()
    first.close()
    first_peer.close()
    second, second_peer = socket.socketpair()
    try:
        reused = second if second.fileno() == fd else second_peer
        wakeups.on_socket(reused, WRITE, "new")
        assert wakeups.wait() == ["new"]
    finally:
        second.close()
        second_peer.close()


def test_two_units_waiting_to_read_one_socket_is_refused(wakeups, pair):
    ours, _theirs = pair
    wakeups.on_socket(ours, READ, "first")
    with pytest.raises(RuntimeError, match="two units wait to read"):
        wakeups.on_socket(ours, READ, "second")
