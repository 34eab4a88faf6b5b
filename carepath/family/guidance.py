"""Guidance for family and friends, as data: one template renders every topic.

Written in CarePath's own words. The ways to help come from seed 003 (CLINICAL.md section 8);
the communication tips are informed by CRAFT (Community Reinforcement and Family Training),
whose published sources are marked "[R]": standard published work summarised here, not
re-read for this page (see docs/supporters.md). Nothing here is clinical advice.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_003 = "seed_003"
SEED_004 = "seed_004"
CRAFT_BOOK = "craft_book"
CRAFT_TRIAL = "craft_trial"

SOURCES = {
    SEED_003: {"text": "“Ketamine Addiction” (guide to causes, signs, rehabilitation and staged "
                       "intervention; CarePath seed article)", "unchecked": False},
    SEED_004: {"text": "“Dissociative Drugs and Physiological Addiction” (article on ketamine "
                       "dependence and binges; CarePath seed article)", "unchecked": False},
    CRAFT_BOOK: {"text": "Smith, J. E. and Meyers, R. J. (2004). Motivating Substance Abusers "
                         "to Enter Treatment: Working with Family Members. Guilford Press.",
                 "unchecked": True},
    CRAFT_TRIAL: {"text": "Miller, W. R., Meyers, R. J. and Tonigan, J. S. (1999). Engaging "
                          "the unmotivated in treatment for alcohol problems: a comparison of "
                          "three strategies for intervention through family members. Journal "
                          "of Consulting and Clinical Psychology.", "unchecked": True},
}


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    sources: tuple[str, ...]

    def source_list(self) -> list[dict]:
        return [SOURCES[key] for key in self.sources]


TOPICS = (
    Topic(
        slug="ways-to-help",
        title="Five ways you can help",
        summary="Learn, talk, encourage professional help, protect yourself and be patient.",
        sources=(SEED_003,),
        sections=(
            Section("Learn about ketamine", (
                "Knowing what ketamine does, how dependence shows itself and what treatment "
                "looks like helps you make sense of what you see, and helps you talk about "
                "it without guessing. Our guides to ketamine are a good place to start.",)),
            Section("Talk openly", (
                "Choose a calm moment when neither of you is rushed or upset. Say what you "
                "have noticed and that you are worried because you care. Listen more than "
                "you speak, and try not to judge, lecture or label.",)),
            Section("Encourage professional help", (
                "A treatment service, a counsellor or a doctor can help in ways family "
                "cannot. Find out what is available near you, so that when the person is "
                "ready you can offer something concrete rather than a general plea.",)),
            Section("Set boundaries and protect your own well-being", (
                "Decide what you will and will not do, tell the person calmly, and keep to "
                "it. Looking after your own health, sleep and relationships is not selfish: "
                "you cannot support anyone for long if you are running on empty.",)),
            Section("Be patient", (
                "Recovery usually takes a long time, and setbacks are common. Small steps "
                "count. Keep the door open, and keep looking after yourself along the way.",)),
        ),
    ),
    Topic(
        slug="communication",
        title="Talking and responding: ideas from CRAFT",
        summary="Positive communication, not rewarding use, natural consequences, self-care "
                "and knowing when to get help.",
        sources=(CRAFT_BOOK, CRAFT_TRIAL, SEED_003),
        sections=(
            Section("What CRAFT is", (
                "Community Reinforcement and Family Training (CRAFT) is an approach taught "
                "to family members, usually by a trained therapist. It aims to make life "
                "without drugs more rewarding for the person, to make their use less "
                "rewarding, to help the family member feel better, and to encourage the "
                "person towards treatment. The tips below are CarePath's short summary of "
                "its ideas, not a CRAFT programme.",)),
            Section("Communicate positively", (), (
                "Start with something positive, and say what you would like rather than "
                "what you do not want.",
                "Speak about yourself (\"I feel worried when...\") rather than blaming "
                "(\"You always...\").",
                "Keep it short and specific, and name one thing at a time.",
                "Offer to help, and say you understand it is hard.",
                "Pick your moment: not while they are intoxicated, and not when you are "
                "angry.",
            )),
            Section("Notice and reward the times they are not using", (
                "When the person is not using, spend time with them, show appreciation and "
                "do things you both enjoy. Make those times the good ones.",)),
            Section("Do not reward use", (
                "When they are using, step back quietly from the pleasant things you would "
                "otherwise share. Do this calmly, without punishing or arguing, and explain "
                "later, when they are sober, why you did it.",)),
            Section("Let natural consequences happen", (
                "Stop protecting the person from the everyday results of their use: do not "
                "make excuses for them, cover for them or clear up after them. Natural "
                "consequences never mean leaving anyone in danger: if they are at risk of "
                "harm, get help straight away.",)),
            Section("Look after yourself", (
                "Make time for people and activities that restore you, whatever the person "
                "you support is doing. Talking to others in the same position, or to a "
                "professional of your own, helps many people.",)),
            Section("Know when to get help", (), (
                "If anyone is in immediate danger, call emergency services.",
                "If you feel unsafe with the person, or they have hurt or threatened you, "
                "put your safety first and contact a domestic-abuse helpline; do not try "
                "these techniques on your own.",
                "When the person shows any interest in help, act quickly: have a service "
                "and a first step ready.",
                "A therapist trained in CRAFT or a family-support service can guide you "
                "through the approach properly.",
            )),
        ),
    ),
    Topic(
        slug="staged-intervention",
        title="Planning a staged intervention",
        summary="Seven steps for a planned, caring conversation that offers a way into help.",
        sources=(SEED_003,),
        sections=(
            Section("What it is", (
                "A staged intervention is a conversation that family and friends prepare "
                "together, to encourage the person to accept help. It is calm and caring, "
                "never an ambush.",)),
            Section("The seven steps", (), (
                "Plan: gather close family and friends who are affected and willing, and "
                "choose a private place where nobody will feel cornered.",
                "Consult a professional: a therapist, addiction counsellor or intervention "
                "specialist can guide the planning and the conversation.",
                "Prepare statements: each person writes what they have seen, why they are "
                "worried and how it has affected them, without blame.",
                "Offer treatment options: have clear choices ready, and say how you will "
                "support the person through them.",
                "Set boundaries: agree what each of you will do if help is refused, and "
                "make sure everyone agrees.",
                "Hold the intervention: stay calm and kind, and give them time to answer.",
                "Follow up: if they agree, help them start treatment at once, and keep "
                "supporting them.",
            )),
            Section("Plan it in CarePath", (
                "CarePath's planner walks your team through each step privately. The person "
                "you are worried about never sees the plan.",)),
        ),
    ),
    Topic(
        slug="looking-after-yourself",
        title="Looking after yourself",
        summary="Your well-being matters too: a short check-in and where to find support.",
        sources=(SEED_003, CRAFT_BOOK),
        sections=(
            Section("You matter too", (
                "Supporting someone who uses ketamine can bring worry, lost sleep, conflict, "
                "money problems and isolation. Those are common reactions to a hard "
                "situation, not a sign that you are failing.",)),
            Section("Small things that help", (), (
                "Keep some time each week that is yours alone.",
                "Stay in touch with people who lift you up.",
                "Talk to someone: a friend, a family-support group or a professional.",
                "Notice when you are running low, and ask for help early.",
            )),
            Section("A short check-in", (
                "If you have an account, CarePath's five-question check-in helps you notice "
                "how you are doing and shows where to find support. It is a prompt, not a "
                "test.",)),
        ),
    ),
)

TOPICS_BY_SLUG = {topic.slug: topic for topic in TOPICS}


def topic(slug: str) -> Topic | None:
    return TOPICS_BY_SLUG.get(slug)
