"""The inbox's forms: each checks its CSRF token and its fields."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from actions.eligibility import programme_ids
from webhooks.casework.cases import REPLY_MAX_CHARS
from webhooks.core.models import Referral

NOTE_MAX_CHARS = 2000


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A button: claim, resolve, show the number, open again, sign out."""


class ReplyForm(FlaskForm):
    body = TextAreaField(validators=[DataRequired(), Length(max=REPLY_MAX_CHARS)])


class NoteForm(FlaskForm):
    body = TextAreaField(validators=[DataRequired(), Length(max=NOTE_MAX_CHARS)])


class TransferForm(FlaskForm):
    worker_id = IntegerField(validators=[DataRequired()])


class PlaceForm(FlaskForm):
    region_id = IntegerField(validators=[DataRequired()])


class ReferForm(FlaskForm):
    programme = SelectField(choices=list(programme_ids), validators=[DataRequired()])


class OutcomeForm(FlaskForm):
    status = SelectField(choices=list(Referral.STATUSES), validators=[DataRequired()])
