"""Twilio's voice webhooks: a family's phone call, answered in TwiML.

The caller hears a greeting and speaks or keys in; each answer goes the way of a text
(webhooks/messaging/voice.py: danger screen first, then the bot) and the replies are read out.
0 rings the workers of the family's region, then takes a voicemail into the case; after a
danger report, 1 puts the caller through to 110. Every request is signature-checked like SMS.

    /voice/twilio              a call comes in (the number's "A call comes in" webhook)
    /voice/twilio/gather?n=N   the caller's N-th answer (speech or keys)
    /voice/twilio/dialled      how ringing the workers went
    /voice/twilio/whisper      what the worker who picks up hears first; /accept, their key
    /voice/twilio/emergency-dialled   putting a caller in danger through to 110 failed
    /voice/twilio/recorded     a voicemail; /voice/twilio/transcribed, its words
    /voice/twilio/status       the call ended (the number's "Call status changes" webhook)
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, abort, current_app, request, url_for
from twilio.twiml.voice_response import Gather, VoiceResponse

from webhooks.core.db import outside_transaction, utcnow
from webhooks.core.texts import text
from webhooks.jobs import leases, tasks
from webhooks.messaging import turns, voice
from webhooks.messaging.voice import Heard, Turn
from webhooks.sms import signature
from webhooks.sms.cleaning import PHONE, clean_body

bp = Blueprint("voice", __name__, url_prefix="/voice/twilio")

# Who reads the lines out (Twilio's Amazon Polly voices: its default voice has no Mandarin)
# and the language its speech recognition listens for.
VOICES = {"zh": ("Polly.Zhiyu", "cmn-CN"), "en": ("Polly.Joanna", "en-US")}
LISTENS_FOR = {"zh": "zh-CN", "en": "en-US"}
# Seconds of silence after which a <Gather> gives up; a voicemail's longest.
LISTEN_SECONDS = 6
VOICEMAIL_SECONDS = 119
# Said or keyed to ask for a person; keyed at the greeting to switch language.
PERSON, SWITCH = "0", "9"
OTHER_LANGUAGE = {"zh": "en", "en": "zh"}
# Twilio rings at most ten numbers at once in one <Dial>.
MOST_RINGING = 10


def _checked():
    services = current_app.extensions["helpline"]
    settings = services.settings
    if not signature.is_valid(request, settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL):
        abort(403)
    call_sid = request.form.get("CallSid", "")
    phone = request.form.get("From", "")
    if not call_sid or not (PHONE.fullmatch(phone) or voice.is_hidden(phone)):
        abort(Response("CallSid and From (a phone number) are required\n", 400))
    return services, call_sid, phone


def _twiml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def _say(node, lines: list[str], language: str) -> None:
    voice_name, spoken = VOICES.get(language, VOICES["zh"])
    for line in lines:
        node.say(line, voice=voice_name, language=spoken)


def _listen(response: VoiceResponse, turn: int, language: str, lines: list[str], **stage):
    """Read `lines` while listening for the caller's next answer (they may speak over it);
    silence twice ends the call politely."""
    gather: Gather = response.gather(
        input="dtmf speech",
        action=url_for("voice.gather", n=turn, **stage),
        method="POST",
        language=LISTENS_FOR.get(language, LISTENS_FOR["zh"]),
        speech_timeout="auto",
        timeout=LISTEN_SECONDS,
    )
    _say(gather, lines or [text("voice_listening", language)], language)
    if stage.get("quiet"):
        _say(
            response, [text("voice_not_heard", language), text("voice_goodbye", language)], language
        )
        response.hangup()
    else:
        response.redirect(url_for("voice.gather", n=turn, quiet=1, **stage), method="POST")
    return gather


def _take_message(response: VoiceResponse, language: str, lines: list[str]) -> None:
    """A voicemail into the case. Twilio transcribes English recordings only (and those
    under two minutes); a Chinese message is kept as the recording for the worker to hear."""
    _say(response, lines, language)
    english = language == "en"
    response.record(
        action=url_for("voice.recorded"),
        method="POST",
        max_length=VOICEMAIL_SECONDS,
        play_beep=True,
        transcribe=english or None,
        transcribe_callback=url_for("voice.transcribed") if english else None,
    )
    _say(response, [text("voice_goodbye", language)], language)


@bp.post("")
def incoming():
    services, call_sid, phone = _checked()
    started = voice.call_started(services, call_sid, phone)
    response = VoiceResponse()
    _greet(response, started.language, started.with_worker)
    return _twiml(response)


def _greet(response: VoiceResponse, language: str, with_worker: bool) -> None:
    """The greeting and menu; then, in the other language, how to switch to it (9)."""
    key = "voice_greeting_worker" if with_worker else "voice_greeting"
    gather = _listen(response, 1, language, [text(key, language)], menu=1)
    other = OTHER_LANGUAGE[language]
    _say(gather, [text("voice_other_language", other)], other)


@bp.post("/gather")
def gather():
    services, call_sid, phone = _checked()
    turn = _whole(request.args.get("n")) or 1
    digits = request.form.get("Digits", "").strip()
    words = clean_body(request.form.get("SpeechResult", "")).strip() or digits
    language = request.args.get("lang", "")
    response = VoiceResponse()
    if not words:  # silence: asked again once, then goodbye
        started = voice.call_started(services, call_sid, phone)
        stage = {k: v for k, v in request.args.items() if k != "n"}
        stage["quiet"] = 1
        _listen(
            response, turn, started.language, [text("voice_listening", started.language)], **stage
        )
        return _twiml(response)
    if digits == PERSON and not request.args.get("zero"):
        return _ring(services, call_sid, phone)
    if request.args.get("ring"):  # where they live, asked before ringing: then ring
        heard = _heard(services, call_sid, phone, turn, words)
        return _ring(services, call_sid, phone, heard.lines)
    if request.args.get("danger") and digits == "1":
        _heard(services, call_sid, phone, turn, digits)  # "yes, in danger now", on the case
        # Twilio reaches emergency numbers from few countries: if it cannot, the caller is
        # told to dial it themselves and can still reach a worker.
        response.dial(
            services.settings.VOICE_EMERGENCY_NUMBER,
            action=url_for("voice.emergency_dialled", n=turn + 1),
            method="POST",
        )
        return _twiml(response)
    offer = _whole(request.args.get("offer"))
    if offer and digits == "1":
        voice.text_answer(services, offer)
        language = language or voice.call_started(services, call_sid, phone).language
        _listen(
            response,
            turn,
            language,
            [text("voice_texted", language), text("voice_listening", language)],
        )
        return _twiml(response)
    if request.args.get("menu") and digits == SWITCH:
        started = voice.call_started(services, call_sid, phone)
        other = OTHER_LANGUAGE[started.language]
        voice.speak_in(services, call_sid, phone, other)
        _greet(response, other, started.with_worker)
        return _twiml(response)
    if request.args.get("menu") and digits == "1":
        language = voice.call_started(services, call_sid, phone).language
        words = text("voice_menu_aid", language)
    heard = _heard(services, call_sid, phone, turn, words)
    _answer(response, heard, turn + 1)
    return _twiml(response)


def _heard(services, call_sid: str, phone: str, turn: int, words: str) -> Heard:
    return voice.heard(services, call_sid, phone, turn, words, _the_conversations_turn)


@contextmanager
def _the_conversations_turn(conversation_id: int) -> Iterator[Turn]:
    """The lease the queue's turn jobs take for the conversation, held for the call's turn.
    Texts that came meanwhile, whose jobs found it held, get a job of their own afterwards
    (unless the call's own words still wait: the sweep gives those to the queue later)."""
    with outside_transaction() as connection:
        try:
            with tasks.conversation_lock(connection, "turns", conversation_id):
                turn = Turn(ours=True)
                yield turn
        except leases.Busy:
            yield Turn(ours=False)
            return
        if turn.answered and turns.has_waiting(connection, conversation_id):
            tasks.run_turns(conversation_id)


def _answer(response: VoiceResponse, heard: Heard, turn: int) -> None:
    language = heard.language
    if heard.held:
        _take_message(response, language, [*heard.lines, text("voice_held", language)])
        return
    lines = list(heard.lines)
    if heard.danger:
        lines.append(text("voice_offer_110", language))
        _listen(response, turn, language, lines, danger=1)
        return
    if heard.with_worker and not lines:
        lines.append(text("voice_with_worker", language))
    if heard.offer_text:
        lines.append(text("voice_offer_text", language))
        _listen(response, turn, language, lines, offer=heard.offer_text, lang=language)
        return
    _listen(response, turn, language, lines, **({"zero": 1} if heard.zero_is_a_choice else {}))


def _ring(services, call_sid: str, phone: str, heard: list[str] = ()) -> Response:
    """Ring the workers for a caller who pressed 0 (asking where they live first, once; and
    which place they meant, when their answer fits several)."""
    ring = voice.person_wanted(services, call_sid, phone, utcnow())
    response = VoiceResponse()
    turn = (_whole(request.args.get("n")) or 1) + 1
    if ring.ask_place:
        question = list(heard) or voice.for_the_ear(text("place_question", ring.language))
        _listen(response, turn, ring.language, question, ring=1)
        return _twiml(response)
    if not ring.phones:
        lines = [*heard, text("voice_leave_message", ring.language)]
        _take_message(response, ring.language, lines)
        return _twiml(response)
    _say(response, [*heard, text("voice_ringing", ring.language)], ring.language)
    dial = response.dial(
        action=url_for("voice.dialled"),
        method="POST",
        timeout=services.settings.VOICE_RING_SECONDS,
        caller_id=request.form.get("To") or None,
    )
    for number in ring.phones[:MOST_RINGING]:  # all at once; the first to answer takes it
        dial.number(number, url=url_for("voice.whisper", case=ring.case_id), method="POST")
    return _twiml(response)


@bp.post("/dialled")
def dialled():
    """The workers' phones stopped ringing: put through if one of them pressed 1 to take the
    call (a voicemail picking up does not), else the caller leaves a message."""
    services, call_sid, phone = _checked()
    answered = request.form.get("DialCallStatus", "") in ("completed", "answered")
    answered = answered and voice.was_put_through(call_sid)
    response = VoiceResponse()
    language = voice.call_started(services, call_sid, phone).language
    if answered:
        _say(response, [text("voice_goodbye", language)], language)
        response.hangup()
    else:
        _take_message(response, language, [text("voice_leave_message", language)])
    return _twiml(response)


def _signed() -> None:
    """The worker's leg of a call: signed by Twilio like the rest, but From is the helpline."""
    settings = current_app.extensions["helpline"].settings
    if not signature.is_valid(request, settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL):
        abort(403)


@bp.post("/whisper")
def whisper():
    """Heard by whoever picks up a ringing worker's phone: the case, and 1 to take the call;
    anything else (a voicemail greeting, silence) hangs up that leg."""
    _signed()
    case = _whole(request.args.get("case")) or 0
    response = VoiceResponse()
    gather = response.gather(
        action=url_for("voice.accept", case=case),
        method="POST",
        num_digits=1,
        timeout=LISTEN_SECONDS,
    )
    _say(gather, [text("voice_whisper", "zh", case=case)], "zh")
    response.hangup()
    return _twiml(response)


@bp.post("/accept")
def accept():
    """The worker pressed a key: 1 takes the call (the family is put through), else not."""
    _signed()
    response = VoiceResponse()
    parent = request.form.get("ParentCallSid", "")
    if request.form.get("Digits") == "1" and parent:
        voice.accepted(parent)
    else:
        response.hangup()
    return _twiml(response)


@bp.post("/emergency-dialled")
def emergency_dialled():
    """Putting the caller through to the emergency number failed (or the call ended)."""
    services, call_sid, phone = _checked()
    language = voice.call_started(services, call_sid, phone).language
    response = VoiceResponse()
    if request.form.get("DialCallStatus", "") in ("completed", "answered"):
        response.hangup()
        return _twiml(response)
    turn = _whole(request.args.get("n")) or 1
    lines = [
        text("voice_110_failed", language),
        *voice.for_the_ear(text("emergency", language)),
        text("voice_listening", language),
    ]
    _listen(response, turn, language, lines)
    return _twiml(response)


@bp.post("/recorded")
def recorded():
    services, call_sid, phone = _checked()
    recording_sid = request.form.get("RecordingSid", "")
    url = request.form.get("RecordingUrl", "")
    seconds = _whole(request.form.get("RecordingDuration")) or 0
    response = VoiceResponse()
    language = voice.call_started(services, call_sid, phone).language
    if recording_sid and url and seconds > 0:
        voice.voicemail(services, call_sid, phone, recording_sid, url, seconds)
        _say(response, [text("voice_message_kept", language)], language)
    else:
        _say(response, [text("voice_goodbye", language)], language)
    response.hangup()
    return _twiml(response)


@bp.post("/transcribed")
def transcribed():
    _services, call_sid, _phone = _checked()
    words = clean_body(request.form.get("TranscriptionText", ""))
    recording_sid = request.form.get("RecordingSid", "")
    if request.form.get("TranscriptionStatus", "completed") == "completed" and words:
        voice.transcribed(call_sid, recording_sid, words)
    return _twiml(VoiceResponse())


@bp.post("/status")
def status():
    _services, call_sid, _phone = _checked()
    voice.call_ended(
        call_sid, request.form.get("CallStatus", ""), _whole(request.form.get("CallDuration"))
    )
    return _twiml(VoiceResponse())


def _whole(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None
