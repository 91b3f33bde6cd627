# ruff: noqa: E501
"""Write eval/fr/questions.jsonl: French factoid questions over the French texts in eval/fr/corpus/.

Hand-written paraphrases (not the sentence's own wording). Each answerable question names its
document (``doc``), the sentence that answers it (``evidence``, an exact substring of the document,
up to French spacing: a space before : ; ! ? is matched as a non-breaking one too) and the fact
(``answers``). The unanswerable ones are about the same subjects, but ask for facts the texts do not
give. Run to regenerate and check.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

# (doc, question, answers, evidence)
ANSWERABLE = [
    (
        "tour-eiffel.txt",
        "Quelle est la hauteur de la tour Eiffel avec ses antennes ?",
        ["330 mètres"],
        "La tour Eiffel est une tour de fer puddlé de 330 mètres de hauteur",
    ),
    (
        "tour-eiffel.txt",
        "Pour quel événement la tour Eiffel a-t-elle été bâtie ?",
        ["Exposition universelle de 1889"],
        "La tour a été construite par l'entreprise de Gustave Eiffel pour l'Exposition universelle de 1889",
    ),
    (
        "tour-eiffel.txt",
        "Quand le chantier de la tour Eiffel a-t-il démarré ?",
        ["28 janvier 1887"],
        "Les travaux ont commencé le 28 janvier 1887 et se sont achevés le 31 mars 1889",
    ),
    (
        "tour-eiffel.txt",
        "Combien de rivets assemblent la charpente de la tour ?",
        ["2,5 millions"],
        "La charpente compte 18 038 pièces métalliques assemblées par environ 2,5 millions de rivets",
    ),
    (
        "tour-eiffel.txt",
        "Quel bâtiment new-yorkais a dépassé la tour Eiffel en hauteur ?",
        ["Chrysler Building"],
        "la tour est restée la plus haute structure du monde jusqu'en 1930, date à laquelle le Chrysler Building de New York l'a dépassée",
    ),
    (
        "tour-eiffel.txt",
        "À quelle fréquence repeint-on la tour Eiffel ?",
        ["sept ans"],
        "La tour est repeinte environ tous les sept ans",
    ),
    (
        "tour-eiffel.txt",
        "Quel écrivain a signé la protestation contre la tour ?",
        ["Guy de Maupassant"],
        "parmi lesquels Guy de Maupassant et Charles Garnier",
    ),
    (
        "notre-dame-de-paris.txt",
        "En quelle année a débuté la construction de Notre-Dame ?",
        ["1163"],
        "La construction de la cathédrale a commencé en 1163",
    ),
    (
        "notre-dame-de-paris.txt",
        "Qui a lancé la construction de la cathédrale ?",
        ["Maurice de Sully"],
        "à l'initiative de l'évêque Maurice de Sully",
    ),
    (
        "notre-dame-de-paris.txt",
        "Quelle hauteur atteignent les tours de la façade de Notre-Dame ?",
        ["69 mètres"],
        "Les deux tours de la façade occidentale s'élèvent à 69 mètres.",
    ),
    (
        "notre-dame-de-paris.txt",
        "Quel empereur a été sacré dans la cathédrale ?",
        ["Napoléon Ier"],
        "Le 2 décembre 1804, Napoléon Ier y a été sacré empereur des Français",
    ),
    (
        "notre-dame-de-paris.txt",
        "Quel écrivain a consacré un roman à la cathédrale en 1831 ?",
        ["Victor Hugo"],
        "En 1831, Victor Hugo publie le roman Notre-Dame de Paris",
    ),
    (
        "notre-dame-de-paris.txt",
        "Quand l'incendie a-t-il ravagé la charpente de Notre-Dame ?",
        ["15 avril 2019"],
        "Le 15 avril 2019, un incendie détruit la flèche de Viollet-le-Duc",
    ),
    (
        "notre-dame-de-paris.txt",
        "À quelle date la cathédrale a-t-elle rouvert après l'incendie ?",
        ["7 décembre 2024"],
        "la cathédrale a rouvert ses portes le 7 décembre 2024",
    ),
    (
        "musee-du-louvre.txt",
        "Quel roi a fait bâtir la forteresse du Louvre ?",
        ["Philippe Auguste"],
        "le Louvre est une forteresse construite vers 1190 par le roi Philippe Auguste",
    ),
    (
        "musee-du-louvre.txt",
        "Quand le musée du Louvre a-t-il ouvert au public ?",
        ["10 août 1793"],
        "Le Muséum central des arts ouvre ses portes le 10 août 1793.",
    ),
    (
        "musee-du-louvre.txt",
        "Qui a conçu la pyramide de verre du Louvre ?",
        ["Ieoh Ming Pei"],
        "l'architecte sino-américain Ieoh Ming Pei conçoit une pyramide de verre et de métal",
    ),
    (
        "musee-du-louvre.txt",
        "Combien de personnes ont visité le Louvre en 2023 ?",
        ["8,9 millions"],
        "Le musée a accueilli 8,9 millions de visiteurs en 2023.",
    ),
    (
        "musee-du-louvre.txt",
        "En quelle année Louis XIV a-t-il déplacé la cour à Versailles ?",
        ["1682"],
        "Louis XIV installe la cour à Versailles en 1682",
    ),
    (
        "la-seine.txt",
        "Quelle est la longueur de la Seine ?",
        ["777 kilomètres"],
        "La Seine est un fleuve français long de 777 kilomètres.",
    ),
    (
        "la-seine.txt",
        "Dans quelle mer se jette la Seine ?",
        ["Manche"],
        "se jette dans la Manche entre Le Havre et Honfleur",
    ),
    (
        "la-seine.txt",
        "Combien de ponts enjambent la Seine dans la capitale ?",
        ["37"],
        "On compte 37 ponts qui franchissent la Seine dans Paris.",
    ),
    (
        "la-seine.txt",
        "Quel est le plus vieux pont de Paris encore debout ?",
        ["Pont-Neuf"],
        "Le plus ancien pont encore debout est le Pont-Neuf",
    ),
    (
        "la-seine.txt",
        "Jusqu'à quelle hauteur l'eau est-elle montée lors de la crue de 1910 ?",
        ["8,62 mètres"],
        "l'eau est montée jusqu'à 8,62 mètres à l'échelle du pont d'Austerlitz",
    ),
    (
        "la-seine.txt",
        "Depuis quand est-il interdit de se baigner dans la Seine ?",
        ["1923"],
        "La baignade dans la Seine est interdite depuis 1923 en raison de la pollution.",
    ),
    (
        "montmartre.txt",
        "Quelle est l'altitude de la butte Montmartre ?",
        ["130 mètres"],
        "Avec ses 130 mètres d'altitude, la butte Montmartre est le point culminant de la capitale.",
    ),
    (
        "montmartre.txt",
        "En quelle année Montmartre a-t-elle été annexée par Paris ?",
        ["1860"],
        "L'ancienne commune de Montmartre a été rattachée à Paris en 1860.",
    ),
    (
        "montmartre.txt",
        "Quel architecte a dirigé la construction du Sacré-Cœur ?",
        ["Paul Abadie"],
        "Sa construction, confiée à l'architecte Paul Abadie, a débuté en 1875",
    ),
    (
        "montmartre.txt",
        "Quel tableau Picasso a-t-il peint au Bateau-Lavoir ?",
        ["Les Demoiselles d'Avignon"],
        "Pablo Picasso peint en 1907 Les Demoiselles d'Avignon",
    ),
    (
        "montmartre.txt",
        "Qui a fondé le cabaret du Chat Noir ?",
        ["Rodolphe Salis"],
        "Le cabaret du Chat Noir, fondé en 1881 par Rodolphe Salis",
    ),
    (
        "montmartre.txt",
        "Quand le Moulin Rouge a-t-il été inauguré ?",
        ["1889"],
        "a ouvert ses portes en 1889 au pied de la butte",
    ),
    (
        "arc-de-triomphe.txt",
        "Quel souverain a commandé l'Arc de triomphe ?",
        ["Napoléon Ier"],
        "l'empereur Napoléon Ier ordonne la construction d'un arc de triomphe à la gloire de la Grande Armée",
    ),
    (
        "arc-de-triomphe.txt",
        "Qui était l'architecte de l'Arc de triomphe ?",
        ["Jean-François Chalgrin"],
        "Les plans sont confiés à l'architecte Jean-François Chalgrin",
    ),
    (
        "arc-de-triomphe.txt",
        "Quand l'Arc de triomphe a-t-il été inauguré ?",
        ["29 juillet 1836"],
        "Le monument est inauguré le 29 juillet 1836.",
    ),
    (
        "arc-de-triomphe.txt",
        "Combien de marches faut-il monter pour atteindre le sommet de l'arc ?",
        ["284"],
        "les visiteurs gravissent 284 marches",
    ),
    (
        "arc-de-triomphe.txt",
        "Quel sculpteur a réalisé le groupe surnommé La Marseillaise ?",
        ["François Rude"],
        "œuvre du sculpteur François Rude",
    ),
    (
        "metro-de-paris.txt",
        "Quand la première ligne de métro parisien a-t-elle été ouverte ?",
        ["19 juillet 1900"],
        "a été inaugurée le 19 juillet 1900",
    ),
    (
        "metro-de-paris.txt",
        "Qui surnomme-t-on le père du métro ?",
        ["Fulgence Bienvenüe"],
        "L'ingénieur Fulgence Bienvenüe",
    ),
    (
        "metro-de-paris.txt",
        "Qui a dessiné les entrées Art nouveau des stations ?",
        ["Hector Guimard"],
        "ont été dessinées par l'architecte Hector Guimard",
    ),
    (
        "metro-de-paris.txt",
        "Combien de lignes compte le métro parisien ?",
        ["seize lignes"],
        "Le réseau compte seize lignes",
    ),
    (
        "metro-de-paris.txt",
        "Quelle a été la première ligne sans conducteur ?",
        ["ligne 14"],
        "La ligne 14, mise en service en 1998, a été la première ligne entièrement automatique du réseau",
    ),
    (
        "jardin-du-luxembourg.txt",
        "Quelle est la superficie du jardin du Luxembourg ?",
        ["23 hectares"],
        "D'une superficie d'environ 23 hectares",
    ),
    (
        "jardin-du-luxembourg.txt",
        "À l'initiative de quelle reine le jardin du Luxembourg a-t-il été créé ?",
        ["Marie de Médicis"],
        "Le jardin a été créé à partir de 1612 à l'initiative de la reine Marie de Médicis",
    ),
    (
        "jardin-du-luxembourg.txt",
        "Quelle institution siège dans le palais du Luxembourg ?",
        ["Sénat"],
        "Le palais du Luxembourg abrite le Sénat",
    ),
    (
        "jardin-du-luxembourg.txt",
        "De quand date la fontaine Médicis ?",
        ["1630"],
        "La fontaine Médicis, construite vers 1630",
    ),
    (
        "jardin-du-luxembourg.txt",
        "Quel architecte a construit le palais du Luxembourg ?",
        ["Salomon de Brosse"],
        "Le palais du Luxembourg a été construit pour elle par l'architecte Salomon de Brosse.",
    ),
    (
        "la-sorbonne.txt",
        "Qui a fondé le collège de Sorbonne ?",
        ["Robert de Sorbon"],
        "Le collège de Sorbonne a été fondé en 1257 par le théologien Robert de Sorbon",
    ),
    (
        "la-sorbonne.txt",
        "En quelle année le collège de Sorbonne a-t-il été créé ?",
        ["1257"],
        "Le collège de Sorbonne a été fondé en 1257",
    ),
    (
        "la-sorbonne.txt",
        "Quel cardinal repose dans la chapelle de la Sorbonne ?",
        ["Richelieu"],
        "abrite le tombeau du cardinal, sculpté par François Girardon",
    ),
    (
        "la-sorbonne.txt",
        "En combien d'universités l'université de Paris a-t-elle été divisée en 1970 ?",
        ["treize"],
        "l'université de Paris est divisée en treize universités autonomes en 1970",
    ),
    (
        "la-sorbonne.txt",
        "Quand Sorbonne Université a-t-elle été créée ?",
        ["1er janvier 2018"],
        "Sorbonne Université, née le 1er janvier 2018",
    ),
    (
        "centre-pompidou.txt",
        "Quels architectes ont conçu le Centre Pompidou ?",
        ["Renzo Piano"],
        "le projet des architectes Renzo Piano, Richard Rogers et Gianfranco Franchini a été retenu",
    ),
    (
        "centre-pompidou.txt",
        "Quand le Centre Pompidou a-t-il été inauguré ?",
        ["31 janvier 1977"],
        "Le centre a été inauguré le 31 janvier 1977",
    ),
    (
        "centre-pompidou.txt",
        "De quelle couleur sont les tuyaux d'eau du Centre Pompidou ?",
        ["vert"],
        "le vert pour l'eau",
    ),
    (
        "centre-pompidou.txt",
        "Combien d'œuvres compte la collection du Musée national d'art moderne ?",
        ["120 000"],
        "dont la collection d'environ 120 000 œuvres",
    ),
    (
        "centre-pompidou.txt",
        "Quel compositeur a fondé l'Ircam ?",
        ["Pierre Boulez"],
        "un institut de recherche musicale fondé par le compositeur Pierre Boulez",
    ),
]

UNANSWERABLE = [
    "Combien coûte un billet pour monter au sommet de la tour Eiffel ?",
    "Combien d'ascenseurs équipent la tour Eiffel ?",
    "Quel était le salaire des ouvriers de la tour Eiffel ?",
    "Combien a coûté la restauration de Notre-Dame après l'incendie ?",
    "Quel est le nom de l'architecte en chef de la reconstruction de Notre-Dame ?",
    "Combien de vitraux compte Notre-Dame ?",
    "Quel est le prix d'entrée du musée du Louvre ?",
    "Qui dirige actuellement le musée du Louvre ?",
    "Combien d'œuvres le Louvre conserve-t-il dans ses réserves ?",
    "Quelle est la profondeur moyenne de la Seine à Paris ?",
    "Combien de bouquinistes travaillent sur les quais ?",
    "Quel est le débit de la Seine à Paris ?",
    "Combien de bouteilles de vin produit le Clos Montmartre ?",
    "Combien de marches compte l'escalier du Sacré-Cœur ?",
    "Qui a dessiné les vitraux du Sacré-Cœur ?",
    "Combien de touristes visitent l'Arc de triomphe chaque année ?",
    "Quel est le nom du soldat inconnu ?",
    "Combien coûte un ticket de métro à Paris ?",
    "Quelle est la station de métro la plus profonde ?",
    "Combien de chaises y a-t-il dans le jardin du Luxembourg ?",
    "Combien d'étudiants compte Sorbonne Université ?",
    "Qui préside Sorbonne Université ?",
    "Combien de visiteurs le Centre Pompidou accueillait-il par an ?",
    "Quel est le budget de la rénovation du Centre Pompidou ?",
    "Quelle est la population de Paris ?",
]


def _find(evidence: str, text: str) -> str:
    if evidence in text:
        return evidence
    french = evidence
    for mark in ":;!?":
        french = french.replace(f" {mark}", f"\u00a0{mark}")
    french = french.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    assert french in text, evidence
    return french


def main() -> None:
    rows = []
    docs = {p.name for p in CORPUS.glob("*.txt")}
    for i, (doc, question, answers, evidence) in enumerate(ANSWERABLE, 1):
        assert doc in docs, doc
        evidence = _find(evidence, (CORPUS / doc).read_text(encoding="utf-8"))
        text = (CORPUS / doc).read_text(encoding="utf-8")
        for answer in answers:
            assert answer in text, (answer, doc)
        rows.append(
            {
                "id": f"frc-a{i:02d}",
                "question": question,
                "answers": answers,
                "evidence": [evidence],
                "doc": doc,
                "answerable": True,
            }
        )
    for i, question in enumerate(UNANSWERABLE, 1):
        rows.append({"id": f"frc-u{i:02d}", "question": question, "answerable": False})
    out = HERE / "questions.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} unanswerable -> {out}")


if __name__ == "__main__":
    main()
