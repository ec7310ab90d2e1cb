from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard import frames
from drivers.idcard.frames import Outcome

# Worked examples of reference/idcard-sdt.md §2-3, byte for byte.
FIND = bytes.fromhex("AAAAAA9669 0003 2001 22")
FOUND = bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
NO_CARD = bytes.fromhex("AAAAAA9669 0004 000080 84")
SAM_ID_ANSWER = bytes.fromhex("AAAAAA9669 0014 000090 000102030405060708090A0B0C0D0E0F 84")


def test_commands_match_the_references_worked_examples() -> None:
    assert frames.encode_command(0x20, 0x01) == FIND
    assert frames.encode_command(0x12, 0xFF) == bytes.fromhex("AAAAAA9669 0003 12FF EE")
    assert frames.encode_command(0x30, 0x01) == bytes.fromhex("AAAAAA9669 0003 3001 32")
    assert frames.encode_command(0x61, 0xFF, b"\x50") == bytes.fromhex("AAAAAA9669 0004 61FF50 CA")


def test_answers_match_the_references_worked_examples() -> None:
    assert frames.encode_answer(0x9F, bytes(4)) == FOUND
    assert frames.encode_answer(0x80) == NO_CARD
    assert frames.encode_answer(0x90, bytes(range(16))) == SAM_ID_ANSWER


def test_a_whole_answer_decodes() -> None:
    decoded = frames.decode(FOUND, frames.MIN_ANSWER_LEN)
    assert decoded.outcome is Outcome.FRAME and decoded.consumed == len(FOUND)
    answer = frames.answer_from_body(decoded.body)
    assert (answer.sw1, answer.sw2, answer.sw3, answer.data) == (0, 0, 0x9F, bytes(4))


def test_garbage_before_a_preamble_is_skipped_then_the_frame_decodes() -> None:
    stream = b"\x00\xaa\x13" + NO_CARD
    first = frames.decode(stream, frames.MIN_ANSWER_LEN)
    assert first.outcome is Outcome.SKIPPED and first.consumed == 3
    assert frames.decode(stream[3:], frames.MIN_ANSWER_LEN).outcome is Outcome.FRAME


def test_a_bad_checksum_is_consumed_and_reported() -> None:
    broken = NO_CARD[:-1] + b"\x85"
    decoded = frames.decode(broken + FOUND, frames.MIN_ANSWER_LEN)
    assert decoded.outcome is Outcome.BAD_CHECKSUM and decoded.consumed == len(NO_CARD)


def test_an_impossible_length_skips_past_the_preamble() -> None:
    for length in (b"\x00\x02", b"\xff\xff"):
        decoded = frames.decode(frames.PREAMBLE + length + b"\x00" * 8, frames.MIN_ANSWER_LEN)
        assert decoded.outcome is Outcome.BAD_LENGTH and decoded.consumed == 1


def test_a_torn_frame_asks_for_exactly_the_missing_bytes() -> None:
    for cut in range(1, len(FOUND)):
        assert frames.decode(FOUND[:cut], frames.MIN_ANSWER_LEN).outcome in (Outcome.INCOMPLETE,)
        if cut >= frames.HEADER_BYTES:
            assert frames.bytes_needed(FOUND[:cut]) == len(FOUND) - cut


def drain(stream: bytes) -> list[frames.Answer]:
    found = []
    while True:
        decoded = frames.decode(stream, frames.MIN_ANSWER_LEN)
        if decoded.outcome is Outcome.INCOMPLETE:
            return found
        if decoded.outcome is Outcome.FRAME:
            found.append(frames.answer_from_body(decoded.body))
        assert decoded.consumed > 0, "no progress"
        stream = stream[decoded.consumed :]


@given(
    noise=st.lists(st.binary(max_size=20), max_size=4),
    answers=st.lists(
        st.tuples(st.integers(0, 255), st.binary(max_size=300)), min_size=1, max_size=4
    ),
)
def test_every_answer_is_found_again_in_a_noisy_stream(
    noise: list[bytes], answers: list[tuple[int, bytes]]
) -> None:
    stream = b""
    for index, (sw3, data) in enumerate(answers):
        junk = noise[index] if index < len(noise) else b""
        stream += junk.replace(b"\xaa", b"\x55") + frames.encode_answer(sw3, data)
    assert [(a.sw3, a.data) for a in drain(stream)] == answers


@given(st.binary(max_size=2000))
def test_decode_never_raises_and_always_progresses_or_waits(stream: bytes) -> None:
    drain(stream)
