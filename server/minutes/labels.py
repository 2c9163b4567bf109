"""The fixed wording of a record in each language it may be laid out in (English, French,
Spanish; any other language of the transcript gets the English wording). Names of languages
and of days and months come from Django's own translations."""

from dataclasses import dataclass


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
)

LABELS = {"en": ENGLISH, "fr": FRENCH, "es": SPANISH}


def labels_for(language: str) -> Labels:
    return LABELS.get(language, ENGLISH)
