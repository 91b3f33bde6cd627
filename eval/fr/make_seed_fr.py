# ruff: noqa: E501
"""Write eval/fr/seed-fr.jsonl: French questions about the English seed article (hand-written).

Each answerable question carries ``evidence``, an exact substring of corpus/paris-ai-city.txt (the
sentence that answers it), and ``answers``, the key fact (English, since answers quote the article).
The unanswerable ones ask about things the article does not say. Run to regenerate and check that
every evidence and answer is in the article.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLE = (HERE.parents[1] / "corpus" / "paris-ai-city.txt").read_text(encoding="utf-8")

E_INVEST = "The French government announced a €1.5 billion investment over five years to accelerate AI research and development."
E_STRATEGY = 'France has committed substantial resources to bolster its AI capabilities, as outlined in its national AI strategy, "France AI 2025."'
E_INRIA = "AI Research Institutes: Establishment of dedicated AI research centers like INRIA, which focuses on fundamental and applied AI research."
E_TAX = "Tax Incentives: Attractive tax credits for AI startups and tech companies to foster innovation."
E_MISTRAL = "Mistral AI: Specializes in developing AI models that focus on natural language processing and AI ethics."
E_DATAIKU = "Dataiku: Offers a collaborative data science platform that democratizes access to artificial intelligence, as highlighted in their 2026 Partner of the Year awards."
E_SNIPS = "Snips: Develops voice technology solutions that prioritize user privacy."
E_SORBONNE = "Sorbonne University: Known for its robust computer science and AI programs, as seen in projects like Molière Ex Machina."
E_X = "École Polytechnique: Offers specialized courses in AI and machine learning, including a mandatory AI course for students."
E_CDF = "Collège de France: Conducts pioneering research on AI ethics and governance."
E_SUMMIT = "AI for Humanity Summit: Annual event where policymakers, researchers, and industry leaders converge to discuss AI's ethical and societal impacts."
E_VIVA = "Viva Tech: One of Europe's largest tech conferences, showcasing the latest in AI innovations."
E_TALENT = "Talent Retention: Brain drain is a concern as AI professionals are lured by opportunities in the U.S."
E_SALARIES = "Competitive Salaries and Work Environments: Offering competitive packages to retain top talent."
E_FRAMEWORKS = "Ethical AI Frameworks: Developing frameworks to guide ethical AI research and implementation, as discussed in recent conferences."
E_GEORGIA = "Increased Global Collaborations: Partnerships with international tech hubs to share knowledge and resources, as seen in EU-Georgia collaborations."
E_URBAN = "AI-Driven Urban Solutions: Implementing AI in urban planning and public services to enhance quality of life."
E_PALAIS = "Last month, a wave of AI enthusiasts and experts gathered at the iconic Palais des Congrès in Paris."
E_ALLOC = "The French government's €1.5 billion AI investment is primarily focused on research institutes and startups"
E_KING = "For decades, Silicon Valley has been the undisputed king of the tech world."
E_DIFFER = "Paris focuses heavily on ethical AI and collaboration between academia, industry, and government, whereas Silicon Valley is often driven by commercial interests."
E_ETHICAL = "Ethical AI ensures that AI technologies align with societal values and do not harm individuals or communities, promoting trust and sustainability in AI development."
E_CHALLENGES = "The city faces hurdles like talent retention and ethical AI development."
E_ECOSYSTEM = "The startup ecosystem is estimated to contribute the most to Paris' AI scene, followed by government investments and academic institutions."
E_LEADER = "Ethical AI Leadership: Paris is set to become a global leader in ethical AI development and governance."
E_GOV_ROLE = "The French government plays a crucial role by investing heavily in AI research, providing tax incentives, and establishing AI research centers to boost the country's AI capabilities."
E_SIGNIFICANT = "Paris has become a significant player in AI due to strategic government investments, a thriving startup ecosystem, and strong academic institutions driving innovation."
E_ACADEMIC = "Paris' prestigious academic institutions are not only educating future AI professionals but also conducting pioneering research that pushes the boundaries of AI capabilities."
E_STARTUPS_FAQ = "Startups like Mistral AI and Dataiku are leading innovation by developing cutting-edge AI technologies and fostering a collaborative environment for AI research and development."
E_FUTURE_FAQ = "Expect Paris to lead in ethical AI development, increase global collaborations, and implement AI-driven solutions to improve urban living."
E_LIFEBLOOD = "Startups are the lifeblood of any tech ecosystem, and Paris is no exception."

ANSWERABLE = [
    ("Combien le gouvernement français a-t-il investi dans l'intelligence artificielle ?", ["1.5 billion"], E_INVEST),
    ("Sur combien d'années l'investissement public dans l'IA est-il étalé ?", ["five years"], E_INVEST),
    ("Quel est le nom de la stratégie nationale française pour l'IA ?", ["France AI 2025"], E_STRATEGY),
    ("Quel centre de recherche dédié à l'IA est cité en exemple ?", ["INRIA"], E_INRIA),
    ("Sur quoi portent les recherches d'INRIA ?", ["fundamental and applied AI research"], E_INRIA),
    ("Quelles incitations fiscales sont proposées aux start-up d'IA ?", ["tax credits"], E_TAX),
    ("Dans quoi se spécialise Mistral AI ?", ["natural language processing"], E_MISTRAL),
    ("Que propose l'entreprise Dataiku ?", ["collaborative data science platform"], E_DATAIKU),
    ("Quelle distinction Dataiku a-t-elle reçue ?", ["Partner of the Year"], E_DATAIKU),
    ("Que développe la start-up Snips ?", ["voice technology"], E_SNIPS),
    ("Quel projet illustre les programmes d'IA de Sorbonne Université ?", ["Molière Ex Machina"], E_SORBONNE),
    ("Quelle école impose un cours d'IA obligatoire à ses élèves ?", ["École Polytechnique"], E_X),
    ("Sur quels sujets le Collège de France mène-t-il ses recherches en IA ?", ["ethics and governance"], E_CDF),
    ("Quel sommet annuel réunit décideurs, chercheurs et industriels autour de l'IA ?", ["AI for Humanity"], E_SUMMIT),
    ("Qu'est-ce que Viva Tech ?", ["largest tech conferences"], E_VIVA),
    ("Pourquoi la fuite des cerveaux inquiète-t-elle ?", ["opportunities in the U.S."], E_TALENT),
    ("Vers quel pays partent les professionnels de l'IA ?", ["U.S."], E_TALENT),
    ("Comment Paris compte-t-elle retenir ses meilleurs talents ?", ["competitive packages"], E_SALARIES),
    ("Avec quel pays l'UE mène-t-elle des collaborations citées dans l'article ?", ["Georgia"], E_GEORGIA),
    ("Comment l'IA doit-elle améliorer la vie urbaine ?", ["urban planning and public services"], E_URBAN),
    ("Où les passionnés d'IA se sont-ils réunis le mois dernier ?", ["Palais des Congrès"], E_PALAIS),
    (
        "À quoi est principalement consacré l'investissement de 1,5 milliard d'euros ?",
        ["research institutes and startups"],
        E_ALLOC,
    ),
    ("Depuis combien de temps la Silicon Valley domine-t-elle la tech ?", ["For decades"], E_KING),
    (
        "En quoi l'approche parisienne de l'IA diffère-t-elle de celle de la Silicon Valley ?",
        ["commercial interests"],
        E_DIFFER,
    ),
    ("Pourquoi l'IA éthique est-elle importante ?", ["societal values"], E_ETHICAL),
    ("Quels obstacles la ville rencontre-t-elle ?", ["talent retention"], E_CHALLENGES),
    (
        "Quel acteur contribue le plus à la scène IA parisienne selon les estimations ?",
        ["startup ecosystem"],
        E_ECOSYSTEM,
    ),
    ("Dans quel domaine Paris veut-elle devenir leader mondial ?", ["ethical AI development and governance"], E_LEADER),
    (
        "Quel rôle joue l'État français dans le développement de l'IA ?",
        ["investing heavily in AI research"],
        E_GOV_ROLE,
    ),
    ("Qu'est-ce qui fait de Paris un acteur important de l'IA ?", ["strategic government investments"], E_SIGNIFICANT),
    ("Comment les universités parisiennes influencent-elles l'IA ?", ["pioneering research"], E_ACADEMIC),
    ("Quelles start-up mènent l'innovation en IA à Paris ?", ["Mistral AI and Dataiku"], E_STARTUPS_FAQ),
    ("Quelles tendances futures attend-on de la scène IA parisienne ?", ["ethical AI development"], E_FUTURE_FAQ),
    ("Quelle entreprise développe des solutions vocales respectueuses de la vie privée ?", ["Snips"], E_SNIPS),
    ("Quelle start-up travaille sur le traitement du langage naturel et l'éthique ?", ["Mistral AI"], E_MISTRAL),
    ("Quel établissement est réputé pour ses programmes d'informatique ?", ["Sorbonne University"], E_SORBONNE),
    ("Quels cadres sont développés pour guider la recherche en IA ?", ["Ethical AI Frameworks"], E_FRAMEWORKS),
    ("Quelle est la place des start-up dans un écosystème technologique ?", ["lifeblood"], E_LIFEBLOOD),
    ("Quelle grande conférence européenne présente les dernières innovations en IA ?", ["Viva Tech"], E_VIVA),
    ("Quels chantiers l'État finance-t-il avec ses crédits d'impôt ?", ["foster innovation"], E_TAX),
    ("Quels partenariats internationaux Paris envisage-t-elle ?", ["international tech hubs"], E_GEORGIA),
    ("Qui se réunit lors du sommet AI for Humanity ?", ["policymakers, researchers, and industry leaders"], E_SUMMIT),
]

UNANSWERABLE = [
    "Combien d'habitants compte Paris ?",
    "Qui a fondé Mistral AI ?",
    "En quelle année Dataiku a-t-elle été créée ?",
    "Combien d'employés travaillent chez Snips ?",
    "Quel est le budget annuel d'INRIA ?",
    "Qui dirige l'École Polytechnique ?",
    "Quel est le salaire moyen d'un chercheur en IA à Paris ?",
    "Combien de participants ont assisté à Viva Tech cette année ?",
    "Où se trouve le siège de Dataiku ?",
    "Quand aura lieu le prochain sommet AI for Humanity ?",
    "Combien la ville de Lyon investit-elle dans l'IA ?",
    "Quelle est la capitalisation boursière de Mistral AI ?",
    "Qui est le ministre du numérique ?",
    "Combien de start-up d'IA sont installées à Station F ?",
    "Quel est le taux de chômage des ingénieurs en France ?",
    "Quelle est la hauteur de la tour Eiffel ?",
    "Combien d'étudiants suivent le cours d'IA de l'École Polytechnique ?",
    "Quel prix Nobel a été attribué au Collège de France ?",
]


def main() -> None:
    rows = []
    for i, (question, answers, evidence) in enumerate(ANSWERABLE, 1):
        assert evidence in ARTICLE, evidence
        for answer in answers:
            assert answer in evidence, (answer, evidence)
        rows.append(
            {"id": f"fr-a{i:02d}", "question": question, "answers": answers, "evidence": [evidence], "answerable": True}
        )
    for i, question in enumerate(UNANSWERABLE, 1):
        rows.append({"id": f"fr-u{i:02d}", "question": question, "answerable": False})
    out = HERE / "seed-fr.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(ANSWERABLE)} answerable, {len(UNANSWERABLE)} unanswerable -> {out}")


if __name__ == "__main__":
    main()
