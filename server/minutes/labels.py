"""The fixed wording of a record in each language it may be laid out in (English, French,
Spanish; any other language of the transcript gets the English wording). Names of languages
and of days and months come from Django's own translations."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionLabels:
    """How the record states decisions and votes' results, in the UN's words."""

    without_vote: str  # {question}
    objected: str  # {question} {delegations}
    by: dict[str, str]  # recorded, roll_call, show_of_hands: {yes} {no}
    abstentions: tuple[str, str, str]  # none, one, {count}
    adopted: str  # {question} {by} {abstentions}
    rejected: str
    no_quorum: str  # {question}
    required: str  # {required}
    in_favour: str  # {names}
    against: str
    abstaining: str
    ballots: str  # {question} {voting} {blank} {required}
    obtained: str  # {tallies}
    elected: str  # {name}
    not_elected: str


@dataclass(frozen=True)
class Labels:
    verbatim: str
    summary: str
    draft: str
    corrigendum: str
    held: str  # {venue} {date} {time}
    date_format: str  # Django date format
    lowercase_languages: bool  # "(spoke in French)" but "(habla en francés)"
    presiding: str  # {name}
    agenda: str
    present: str
    bureau: str
    delegations: str
    observers: str
    secretariat: str
    until_close: str
    agenda_item: str  # {number} {title}
    continued: str
    opened: str  # {time}
    suspended: str
    resumed: str
    closed: str
    spoke_in: str  # {language}
    point_of_order: str
    right_of_reply: str
    explanation_before: str
    explanation_after: str
    ruling: str
    roles: dict[str, str]  # presiding officers and the secretariat speak as their office
    no_transcript: str
    no_summary: str
    not_translated: str  # {language}
    tabled: str  # {proposal} {sponsors} {on} {words}
    decided: dict[str, str]  # accepted, rejected, withdrawn, merged: {proposal} {document}
    on_clause: str  # {clause} {document}
    on_text: str  # {document}
    agreed: dict[str, str]  # agreed, agreed_ad_ref: {clause} {document}
    decisions: DecisionLabels


ENGLISH = Labels(
    verbatim="Verbatim record",
    summary="Summary record",
    draft="Draft",
    corrigendum="Corrigendum",
    held="Held at {venue} on {date}, at {time}",
    date_format="l, j F Y",
    lowercase_languages=False,
    presiding="In the Chair: {name}",
    agenda="Agenda",
    present="Present",
    bureau="Bureau",
    delegations="Delegations",
    observers="Observers",
    secretariat="Secretariat",
    until_close="the close",
    agenda_item="Agenda item {number}: {title}",
    continued="(continued)",
    opened="The meeting was called to order at {time}.",
    suspended="The meeting was suspended at {time}.",
    resumed="The meeting resumed at {time}.",
    closed="The meeting rose at {time}.",
    spoke_in="(spoke in {language})",
    point_of_order="(on a point of order)",
    right_of_reply="(in exercise of the right of reply)",
    explanation_before="(in explanation of vote before the vote)",
    explanation_after="(in explanation of vote after the vote)",
    ruling="(ruling on the point of order)",
    roles={
        "chair": "The Chair",
        "vice_chair": "The Vice-Chair",
        "facilitator": "The Facilitator",
        "secretariat": "The Secretary",
    },
    no_transcript="[No transcript of this statement.]",
    no_summary="[Summary to be written.]",
    not_translated="[{language}, not translated]",
    tabled="Proposal {proposal} was tabled by {sponsors} {on}: {words}.",
    decided={
        "accepted": "Proposal {proposal} on “{document}” was accepted.",
        "rejected": "Proposal {proposal} on “{document}” was rejected.",
        "withdrawn": "Proposal {proposal} on “{document}” was withdrawn by its sponsor.",
        "merged": "Proposal {proposal} on “{document}” was merged into another proposal.",
    },
    on_clause="on paragraph {clause} of “{document}”",
    on_text="on “{document}”",
    agreed={
        "agreed": "Paragraph {clause} of “{document}” was agreed:",
        "agreed_ad_ref": "Paragraph {clause} of “{document}” was agreed ad referendum:",
    },
    decisions=DecisionLabels(
        without_vote="{question} was adopted without a vote.",
        objected="{question} was not adopted without a vote: {delegations} objected.",
        by={
            "recorded": "by a recorded vote of {yes} to {no}",
            "roll_call": "by a roll-call vote of {yes} to {no}",
            "show_of_hands": "by {yes} votes to {no}",
        },
        abstentions=("with no abstentions", "with 1 abstention", "with {count} abstentions"),
        adopted="{question} was adopted {by}, {abstentions}.",
        rejected="{question} was rejected {by}, {abstentions}.",
        no_quorum="{question} was not decided: there was no quorum.",
        required="Required majority: {required}.",
        in_favour="In favour: {names}.",
        against="Against: {names}.",
        abstaining="Abstaining: {names}.",
        ballots="{question}. Valid ballots: {voting}; blank ballots: {blank}; required "
        "majority: {required}.",
        obtained="Number of votes obtained: {tallies}.",
        elected="Having obtained the required majority, {name} was elected.",
        not_elected="No candidate obtained the required majority.",
    ),
)

FRENCH = Labels(
    verbatim="Procès-verbal",
    summary="Compte rendu analytique",
    draft="Projet",
    corrigendum="Rectificatif",
    held="Tenue à {venue} le {date}, à {time}",
    date_format="l j F Y",
    lowercase_languages=True,
    presiding="Présidence : {name}",
    agenda="Ordre du jour",
    present="Présents",
    bureau="Bureau",
    delegations="Délégations",
    observers="Observateurs",
    secretariat="Secrétariat",
    until_close="la clôture",
    agenda_item="Point {number} de l'ordre du jour : {title}",
    continued="(suite)",
    opened="La séance est ouverte à {time}.",
    suspended="La séance est suspendue à {time}.",
    resumed="La séance est reprise à {time}.",
    closed="La séance est levée à {time}.",
    spoke_in="(parle en {language})",
    point_of_order="(motion d'ordre)",
    right_of_reply="(exerçant son droit de réponse)",
    explanation_before="(explication de vote avant le vote)",
    explanation_after="(explication de vote après le vote)",
    ruling="(décision sur la motion d'ordre)",
    roles={
        "chair": "La Présidence",
        "vice_chair": "La Vice-Présidence",
        "facilitator": "Le Facilitateur",
        "secretariat": "Le Secrétaire",
    },
    no_transcript="[Pas de transcription de cette déclaration.]",
    no_summary="[Résumé à rédiger.]",
    not_translated="[{language}, non traduit]",
    tabled="La proposition {proposal} est présentée par {sponsors} {on} : {words}.",
    decided={
        "accepted": "La proposition {proposal} sur « {document} » est acceptée.",
        "rejected": "La proposition {proposal} sur « {document} » est rejetée.",
        "withdrawn": "La proposition {proposal} sur « {document} » est retirée par son auteur.",
        "merged": "La proposition {proposal} sur « {document} » est fusionnée avec une autre.",
    },
    on_clause="sur le paragraphe {clause} de « {document} »",
    on_text="sur « {document} »",
    agreed={
        "agreed": "Le paragraphe {clause} de « {document} » est adopté :",
        "agreed_ad_ref": "Le paragraphe {clause} de « {document} » est adopté ad referendum :",
    },
    decisions=DecisionLabels(
        without_vote="{question} est adopté sans vote.",
        objected="{question} n'est pas adopté sans vote : {delegations} s'y opposent.",
        by={
            "recorded": "par {yes} voix contre {no}, à l'issue d'un vote enregistré",
            "roll_call": "par {yes} voix contre {no}, à l'issue d'un vote par appel nominal",
            "show_of_hands": "par {yes} voix contre {no}",
        },
        abstentions=("sans abstention", "avec 1 abstention", "avec {count} abstentions"),
        adopted="{question} est adopté {by}, {abstentions}.",
        rejected="{question} est rejeté {by}, {abstentions}.",
        no_quorum="{question} n'est pas mis aux voix : le quorum n'est pas atteint.",
        required="Majorité requise : {required}.",
        in_favour="Ont voté pour : {names}.",
        against="Ont voté contre : {names}.",
        abstaining="Se sont abstenus : {names}.",
        ballots="{question}. Bulletins valables : {voting} ; bulletins blancs : {blank} ; "
        "majorité requise : {required}.",
        obtained="Nombre de voix obtenues : {tallies}.",
        elected="Ayant obtenu la majorité requise, {name} est élu(e).",
        not_elected="Aucun candidat n'a obtenu la majorité requise.",
    ),
)

SPANISH = Labels(
    verbatim="Acta literal",
    summary="Acta resumida",
    draft="Proyecto",
    corrigendum="Corrección",
    held="Celebrada en {venue} el {date}, a las {time}",
    date_format=r"l, j \d\e F \d\e Y",
    lowercase_languages=True,
    presiding="Presidencia: {name}",
    agenda="Orden del día",
    present="Presentes",
    bureau="Mesa",
    delegations="Delegaciones",
    observers="Observadores",
    secretariat="Secretaría",
    until_close="el cierre",
    agenda_item="Tema {number} del programa: {title}",
    continued="(continuación)",
    opened="Se abre la sesión a las {time}.",
    suspended="Se suspende la sesión a las {time}.",
    resumed="Se reanuda la sesión a las {time}.",
    closed="Se levanta la sesión a las {time}.",
    spoke_in="(habla en {language})",
    point_of_order="(plantea una cuestión de orden)",
    right_of_reply="(en ejercicio del derecho de respuesta)",
    explanation_before="(en explicación de voto antes de la votación)",
    explanation_after="(en explicación de voto después de la votación)",
    ruling="(decisión sobre la cuestión de orden)",
    roles={
        "chair": "La Presidencia",
        "vice_chair": "La Vicepresidencia",
        "facilitator": "El Facilitador",
        "secretariat": "El Secretario",
    },
    no_transcript="[No hay transcripción de esta declaración.]",
    no_summary="[Resumen por redactar.]",
    not_translated="[{language}, sin traducir]",
    tabled="{sponsors} presenta la propuesta {proposal} {on}: {words}.",
    decided={
        "accepted": "Se acepta la propuesta {proposal} sobre “{document}”.",
        "rejected": "Se rechaza la propuesta {proposal} sobre “{document}”.",
        "withdrawn": "Su autor retira la propuesta {proposal} sobre “{document}”.",
        "merged": "La propuesta {proposal} sobre “{document}” se fusiona con otra.",
    },
    on_clause="sobre el párrafo {clause} de “{document}”",
    on_text="sobre “{document}”",
    agreed={
        "agreed": "Se aprueba el párrafo {clause} de “{document}”:",
        "agreed_ad_ref": "Se aprueba ad referendum el párrafo {clause} de “{document}”:",
    },
    decisions=DecisionLabels(
        without_vote="Se aprueba sin votación {question}.",
        objected="No se aprueba sin votación {question}: {delegations} se oponen.",
        by={
            "recorded": "en votación registrada, por {yes} votos contra {no}",
            "roll_call": "en votación nominal, por {yes} votos contra {no}",
            "show_of_hands": "por {yes} votos contra {no}",
        },
        abstentions=("sin abstenciones", "y 1 abstención", "y {count} abstenciones"),
        adopted="Se aprueba {question} {by} {abstentions}.",
        rejected="Se rechaza {question} {by} {abstentions}.",
        no_quorum="No se decide sobre {question}: no hay quórum.",
        required="Mayoría requerida: {required}.",
        in_favour="Votos a favor: {names}.",
        against="Votos en contra: {names}.",
        abstaining="Abstenciones: {names}.",
        ballots="{question}. Votos válidos: {voting}; votos en blanco: {blank}; mayoría "
        "requerida: {required}.",
        obtained="Número de votos obtenidos: {tallies}.",
        elected="Habiendo obtenido la mayoría requerida, queda elegido/a {name}.",
        not_elected="Ningún candidato obtiene la mayoría requerida.",
    ),
)

LABELS = {"en": ENGLISH, "fr": FRENCH, "es": SPANISH}


def labels_for(language: str) -> Labels:
    return LABELS.get(language, ENGLISH)
