"""Forms (Flask-WTF: every POST carries a CSRF token). A failed form re-renders with its errors and keeps the input."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, DateTimeLocalField, HiddenField, IntegerField, PasswordField, SelectField,
                     StringField, SubmitField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp,
                                ValidationError)

from .models import GRADING_METHODS, REVIEW_POLICIES

USERNAME = Regexp(r"^[A-Za-z0-9._-]+$", message="Use letters, digits, dots, dashes or underscores.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    username = StringField("Username", [DataRequired(), Length(max=40)], filters=[strip])
    password = PasswordField("Password", [DataRequired(), Length(max=200)])
    submit = SubmitField("Sign in")


class NewPasswordMixin:
    password = PasswordField("Password", [DataRequired(), Length(min=8, max=200, message="Use 8 to 200 characters.")])
    confirm = PasswordField("Repeat the password", [DataRequired(), EqualTo("password", "The passwords differ.")])


class JoinForm(NewPasswordMixin, FlaskForm):
    code = StringField("Class code", [DataRequired(), Length(max=12)], filters=[strip, lambda v: v and v.upper()])
    name = StringField("Your name", [DataRequired(), Length(max=100)], filters=[strip])
    username = StringField("Username", [DataRequired(), Length(min=3, max=40), USERNAME], filters=[strip])
    submit = SubmitField("Join the class")


class JoinAnotherForm(FlaskForm):
    code = StringField("Class code", [DataRequired(), Length(max=12)], filters=[strip, lambda v: v and v.upper()])
    submit = SubmitField("Join")


class TeacherSignupForm(NewPasswordMixin, FlaskForm):
    invite = StringField("Invite code", [DataRequired(), Length(max=32)], filters=[strip])
    name = StringField("Your name", [DataRequired(), Length(max=100)], filters=[strip])
    username = StringField("Username", [DataRequired(), Length(min=3, max=40), USERNAME], filters=[strip])
    submit = SubmitField("Create my teacher account")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Current password", [DataRequired(), Length(max=200)])
    submit = SubmitField("Change password")


class ClassForm(FlaskForm):
    name = StringField("Class name", [DataRequired(), Length(max=100)], filters=[strip])
    submit = SubmitField("Save")


class RosterForm(FlaskForm):
    roster = FileField("Roster (a CSV file: your school system's export, or name and username columns)",
                       [FileRequired("Choose a CSV file."), FileAllowed(["csv", "txt"], "Upload a .csv file.")])
    submit = SubmitField("Preview the accounts")


class RosterConfirmForm(FlaskForm):
    """The preview's button: the rows themselves come back as ``name``/``username`` lists and are checked again."""
    submit = SubmitField("Create the accounts")


class SchoolZoneForm(FlaskForm):
    """The first teacher's choice of the school's zone: the browser's (a hidden field a script fills), or the select
    (which the script sets to the browser's zone, and which works without JavaScript)."""
    detected = HiddenField()
    zone = SelectField("The school's time zone", choices=[])
    submit = SubmitField("Use this time zone")

    def validate_zone(self, field):
        if not field.data and not self.detected.data:
            raise ValidationError("Choose the time zone your school is in.")


class AccountForm(FlaskForm):
    name = StringField("Your name", [DataRequired(), Length(max=100)], filters=[strip])
    time_zone = SelectField("Your time zone", [Optional()], choices=[])
    school_time_zone = SelectField("The school's time zone", [Optional()], choices=[])
    submit = SubmitField("Save")


class AssignmentForm(FlaskForm):
    module_id = SelectField("Module", [DataRequired()])
    open_at = DateTimeLocalField("Opens", [DataRequired(message="Give an opening date and time.")],
                                 format="%Y-%m-%dT%H:%M")
    due_at = DateTimeLocalField("Due", [DataRequired(message="Give a due date and time.")], format="%Y-%m-%dT%H:%M")
    time_limit_minutes = IntegerField("Time limit in minutes (empty: none)",
                                      [Optional(), NumberRange(1, 600, "Between 1 and 600 minutes.")])
    attempts_allowed = IntegerField("Attempts allowed",
                                    [InputRequired("Give the number of attempts each student may make (1 to 20)."),
                                     NumberRange(1, 20, "Allow between 1 and 20 attempts: with 0 no student could "
                                                        "start the quiz.")],
                                    default=1)
    grading_method = SelectField("Grade by", choices=[SelectChoice(k, v) for k, v in GRADING_METHODS.items()],
                                 default="highest")
    review_policy = SelectField("Students see answers and feedback",
                                choices=[SelectChoice(k, v) for k, v in REVIEW_POLICIES.items()],
                                default="after_due")
    shuffle_questions = BooleanField("Shuffle questions", default=True)
    shuffle_options = BooleanField("Shuffle options", default=True)
    submit = SubmitField("Assign")

    def validate_due_at(self, field):
        if self.open_at.data and field.data and field.data <= self.open_at.data:
            raise ValidationError("The due date must come after the opening date.")


def normalize_username(value: str) -> str:
    return re.sub(r"\s+", "", value or "").lower()
