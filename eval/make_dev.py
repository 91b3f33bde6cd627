"""Write eval/dev.jsonl: the development set for answer quality and abstention.

Each answerable question is phrased in words different from the article's and carries the sentence
that answers it (``evidence``, an exact substring of the corpus) and the key fact(s) the answer must
contain (``answers``; any one suffices). Unanswerable questions have ``answerable: false``; many are
in-domain (about entities the article names) on purpose. Run: python eval/make_dev.py
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parent / "corpus" / "paris-ai-city.txt"

A = [
    # (question, key facts, evidence sentence)
    (
        "How much money has the French state committed to artificial intelligence?",
        ["1.5 billion"],
        "The French government announced a €1.5 billion investment over five years to accelerate AI research and development.",
    ),
    (
        "Over how many years will the national AI funding be spread?",
        ["five years"],
        "The French government announced a €1.5 billion investment over five years to accelerate AI research and development.",
    ),
    (
        "What is the name of the country's official plan for artificial intelligence?",
        ["France AI 2025"],
        'France has committed substantial resources to bolster its AI capabilities, as outlined in its national AI strategy, "France AI 2025."',
    ),
    (
        "Which public laboratory is given as an example of a dedicated AI research center?",
        ["INRIA"],
        "- AI Research Institutes: Establishment of dedicated AI research centers like INRIA, which focuses on fundamental and applied AI research.",
    ),
    (
        "What fiscal perks are offered to young AI companies?",
        ["tax credits", "tax incentives"],
        "- Tax Incentives: Attractive tax credits for AI startups and tech companies to foster innovation.",
    ),
    (
        "In which venue did the crowd of AI fans meet recently?",
        ["Palais des Congrès"],
        "Last month, a wave of AI enthusiasts and experts gathered at the iconic Palais des Congrès in Paris.",
    ),
    (
        "Which area of AI does Mistral concentrate on?",
        ["natural language processing"],
        "- Mistral AI: Specializes in developing AI models that focus on natural language processing and AI ethics.",
    ),
    (
        "Which firm sells software that lets teams do data science together?",
        ["Dataiku"],
        "- Dataiku: Offers a collaborative data science platform that democratizes access to artificial intelligence, as highlighted in their 2026 Partner of the Year awards.",
    ),
    (
        "What recognition did Dataiku earn?",
        ["Partner of the Year"],
        "- Dataiku: Offers a collaborative data science platform that democratizes access to artificial intelligence, as highlighted in their 2026 Partner of the Year awards.",
    ),
    (
        "Which young company builds speech products that protect people's personal data?",
        ["Snips"],
        "- Snips: Develops voice technology solutions that prioritize user privacy.",
    ),
    (
        "Which project shows off the Sorbonne's strength in computing?",
        ["Molière Ex Machina"],
        "- Sorbonne University: Known for its robust computer science and AI programs, as seen in projects like Molière Ex Machina.",
    ),
    (
        "At which school must every student take a class on artificial intelligence?",
        ["École Polytechnique"],
        "- École Polytechnique: Offers specialized courses in AI and machine learning, including a mandatory AI course for students.",
    ),
    (
        "Which institution carries out pioneering work on the moral and regulatory side of AI?",
        ["Collège de France"],
        "- Collège de France: Conducts pioneering research on AI ethics and governance.",
    ),
    (
        "Which yearly meeting gathers lawmakers, scientists and business people to talk about AI's impact on society?",
        ["AI for Humanity"],
        "- AI for Humanity Summit: Annual event where policymakers, researchers, and industry leaders converge to discuss AI's ethical and societal impacts.",
    ),
    (
        "What kind of event is Viva Tech?",
        ["largest tech conferences", "tech conference"],
        "- Viva Tech: One of Europe's largest tech conferences, showcasing the latest in AI innovations.",
    ),
    (
        "Why are AI specialists leaving France?",
        ["opportunities in the U.S", "lured"],
        "- Talent Retention: Brain drain is a concern as AI professionals are lured by opportunities in the U.S.",
    ),
    (
        "How does the city try to hold on to its best AI people?",
        ["competitive"],
        "- Competitive Salaries and Work Environments: Offering competitive packages to retain top talent.",
    ),
    (
        "What obstacles stand in the way of the French capital's AI ambitions?",
        ["talent retention"],
        "The city faces hurdles like talent retention and ethical AI development.",
    ),
    (
        "What global position is Paris expected to take in responsible AI?",
        ["global leader"],
        "- Ethical AI Leadership: Paris is set to become a global leader in ethical AI development and governance.",
    ),
    (
        "Which cross-border partnership is cited as an example of international cooperation?",
        ["EU-Georgia"],
        "- Increased Global Collaborations: Partnerships with international tech hubs to share knowledge and resources, as seen in EU-Georgia collaborations.",
    ),
    (
        "How might artificial intelligence make daily life in the city better?",
        ["urban planning", "quality of life"],
        "- AI-Driven Urban Solutions: Implementing AI in urban planning and public services to enhance quality of life.",
    ),
    (
        "Which part of the ecosystem is thought to add the most to the local AI scene?",
        ["startup ecosystem"],
        "The startup ecosystem is estimated to contribute the most to Paris' AI scene, followed by government investments and academic institutions.",
    ),
    (
        "Who is spearheading Europe's push in artificial intelligence?",
        ["Mistral AI"],
        "- Key startups like Mistral AI are leading Europe's AI charge.",
    ),
    (
        "Which place has long ruled the technology industry?",
        ["Silicon Valley"],
        "For decades, Silicon Valley has been the undisputed king of the tech world.",
    ),
    (
        "In what way is the Parisian approach to AI unlike the Californian one?",
        ["ethical AI", "commercial interests"],
        "Paris focuses heavily on ethical AI and collaboration between academia, industry, and government, whereas Silicon Valley is often driven by commercial interests.",
    ),
    (
        "Why should AI be developed responsibly?",
        ["societal values", "trust"],
        "Ethical AI ensures that AI technologies align with societal values and do not harm individuals or communities, promoting trust and sustainability in AI development.",
    ),
    (
        "What is the bulk of the state's AI budget spent on?",
        ["research institutes and startups"],
        "The French government's €1.5 billion AI investment is primarily focused on research institutes and startups, with significant portions also allocated to tax incentives and other initiatives.",
    ),
    (
        "What are the city's universities contributing to the field?",
        ["educating", "pioneering research"],
        "Paris' prestigious academic institutions are not only educating future AI professionals but also conducting pioneering research that pushes the boundaries of AI capabilities.",
    ),
    (
        "How do new companies help the local AI community grow?",
        ["leading innovation", "cutting-edge"],
        "Startups like Mistral AI and Dataiku are leading innovation by developing cutting-edge AI technologies and fostering a collaborative environment for AI research and development.",
    ),
    (
        "What does the national government do to push AI forward?",
        ["investing heavily", "tax incentives", "research centers", "1.5 billion"],
        "The French government plays a crucial role by investing heavily in AI research, providing tax incentives, and establishing AI research centers to boost the country's AI capabilities.",
    ),
    (
        "Which ethical difficulty does the capital have to deal with?",
        ["align with ethical standards", "ethical standards"],
        "- Ethical AI Development: Ensuring AI technologies align with ethical standards and societal values.",
    ),
    (
        "How is the city responding to worries about the morality of AI?",
        ["frameworks"],
        "- Ethical AI Frameworks: Developing frameworks to guide ethical AI research and implementation, as discussed in recent conferences.",
    ),
    (
        "Could the French capital one day compete with California's tech hub?",
        ["rival Silicon Valley"],
        "Paris is not just another tech city; it is a burgeoning AI powerhouse with the potential to rival Silicon Valley.",
    ),
    (
        "Which sectors team up to drive new ideas?",
        ["academia, industry, and government"],
        "Collaboration between academia, industry, and government is pivotal.",
    ),
    (
        "What does Snips make?",
        ["voice technology"],
        "- Snips: Develops voice technology solutions that prioritize user privacy.",
    ),
    (
        "What subjects does the Polytechnique teach in depth?",
        ["machine learning"],
        "- École Polytechnique: Offers specialized courses in AI and machine learning, including a mandatory AI course for students.",
    ),
    (
        "What is the Sorbonne famous for?",
        ["computer science and AI programs", "computer science"],
        "- Sorbonne University: Known for its robust computer science and AI programs, as seen in projects like Molière Ex Machina.",
    ),
    (
        "Who takes part in the AI for Humanity gathering?",
        ["policymakers", "researchers", "industry leaders"],
        "- AI for Humanity Summit: Annual event where policymakers, researchers, and industry leaders converge to discuss AI's ethical and societal impacts.",
    ),
    (
        "What does the brain drain problem mean here?",
        ["lured by opportunities", "U.S."],
        "- Talent Retention: Brain drain is a concern as AI professionals are lured by opportunities in the U.S.",
    ),
    (
        "What is the purpose of the multi-year public investment?",
        ["accelerate AI research"],
        "The French government announced a €1.5 billion investment over five years to accelerate AI research and development.",
    ),
    (
        "What does INRIA focus on?",
        ["fundamental and applied"],
        "- AI Research Institutes: Establishment of dedicated AI research centers like INRIA, which focuses on fundamental and applied AI research.",
    ),
    (
        "Which company makes artificial intelligence accessible to everyone?",
        ["Dataiku"],
        "- Dataiku: Offers a collaborative data science platform that democratizes access to artificial intelligence, as highlighted in their 2026 Partner of the Year awards.",
    ),
    (
        "Why does the French capital matter so much in artificial intelligence?",
        ["government investments", "startup ecosystem", "academic institutions", "government backing"],
        "Paris has become a significant player in AI due to strategic government investments, a thriving startup ecosystem, and strong academic institutions driving innovation.",
    ),
    (
        "What is the overall verdict on the city at the end of the piece?",
        ["AI powerhouse", "rival Silicon Valley"],
        "Paris is not just another tech city; it is a burgeoning AI powerhouse with the potential to rival Silicon Valley.",
    ),
    (
        "Apart from research bodies and startups, where else does the AI money go?",
        ["tax incentives"],
        "The French government's €1.5 billion AI investment is primarily focused on research institutes and startups, with significant portions also allocated to tax incentives and other initiatives.",
    ),
    (
        "What developments should we anticipate for the Parisian AI sector?",
        ["ethical AI", "global collaborations", "urban"],
        "Expect Paris to lead in ethical AI development, increase global collaborations, and implement AI-driven solutions to improve urban living.",
    ),
    (
        "Which three things made the city a serious contender?",
        ["government backing", "innovative startups", "academic landscape"],
        "With a confluence of factors such as government backing, innovative startups, and a rich academic landscape, Paris is carving out a niche that could redefine global tech dynamics.",
    ),
    (
        "According to the estimates, what comes second after startups in contributing to the AI scene?",
        ["government investments"],
        "The startup ecosystem is estimated to contribute the most to Paris' AI scene, followed by government investments and academic institutions.",
    ),
    (
        "Which major conference showcases the newest AI products in Europe?",
        ["Viva Tech"],
        "- Viva Tech: One of Europe's largest tech conferences, showcasing the latest in AI innovations.",
    ),
    (
        "What does the Collège de France study?",
        ["AI ethics and governance"],
        "- Collège de France: Conducts pioneering research on AI ethics and governance.",
    ),
    (
        "Beyond language technology, what other topic is Mistral AI concerned with?",
        ["AI ethics"],
        "- Mistral AI: Specializes in developing AI models that focus on natural language processing and AI ethics.",
    ),
    (
        "How are the challenges being handled?",
        ["strategic solutions"],
        "However, with strategic solutions, these challenges are being addressed.",
    ),
]

# Questions in the article's own words (a user who has read it), so that lexical overlap is not
# mistaken for a sign of an unanswerable question: the FAQ questions verbatim, and questions that
# reuse the article's wording.
V = [
    (
        "What makes Paris a significant player in AI?",
        ["strategic government investments"],
        "Paris has become a significant player in AI due to strategic government investments, a thriving startup ecosystem, and strong academic institutions driving innovation.",
    ),
    (
        "How does Paris' approach to AI differ from Silicon Valley?",
        ["ethical AI"],
        "Paris focuses heavily on ethical AI and collaboration between academia, industry, and government, whereas Silicon Valley is often driven by commercial interests.",
    ),
    (
        "What challenges does Paris face in becoming an AI leader?",
        ["talent retention"],
        "Paris faces challenges such as talent retention and ensuring AI technologies align with ethical standards.",
    ),
    (
        "How are startups contributing to Paris' AI ecosystem?",
        ["leading innovation"],
        "Startups like Mistral AI and Dataiku are leading innovation by developing cutting-edge AI technologies and fostering a collaborative environment for AI research and development.",
    ),
    (
        "What is the role of the French government in AI development?",
        ["investing heavily"],
        "The French government plays a crucial role by investing heavily in AI research, providing tax incentives, and establishing AI research centers to boost the country's AI capabilities.",
    ),
    (
        "How is Paris' academic landscape influencing AI?",
        ["educating", "pioneering research"],
        "Paris' prestigious academic institutions are not only educating future AI professionals but also conducting pioneering research that pushes the boundaries of AI capabilities.",
    ),
    (
        "What future trends can we expect from Paris' AI scene?",
        ["ethical AI"],
        "Expect Paris to lead in ethical AI development, increase global collaborations, and implement AI-driven solutions to improve urban living.",
    ),
    (
        "Why is ethical AI important?",
        ["societal values"],
        "Ethical AI ensures that AI technologies align with societal values and do not harm individuals or communities, promoting trust and sustainability in AI development.",
    ),
    (
        "What does Mistral AI specialize in?",
        ["natural language processing"],
        "- Mistral AI: Specializes in developing AI models that focus on natural language processing and AI ethics.",
    ),
    (
        "What is the French government's AI investment?",
        ["1.5 billion"],
        "The French government announced a €1.5 billion investment over five years to accelerate AI research and development.",
    ),
    (
        "What does Snips develop?",
        ["voice technology"],
        "- Snips: Develops voice technology solutions that prioritize user privacy.",
    ),
    (
        "What courses does École Polytechnique offer?",
        ["AI and machine learning"],
        "- École Polytechnique: Offers specialized courses in AI and machine learning, including a mandatory AI course for students.",
    ),
    (
        "What is the AI for Humanity Summit?",
        ["Annual event"],
        "- AI for Humanity Summit: Annual event where policymakers, researchers, and industry leaders converge to discuss AI's ethical and societal impacts.",
    ),
    (
        "What is talent retention a concern about?",
        ["brain drain", "lured by opportunities"],
        "- Talent Retention: Brain drain is a concern as AI professionals are lured by opportunities in the U.S.",
    ),
    (
        "What are AI-driven urban solutions?",
        ["urban planning"],
        "- AI-Driven Urban Solutions: Implementing AI in urban planning and public services to enhance quality of life.",
    ),
    (
        "What tax incentives are offered to AI startups?",
        ["tax credits"],
        "- Tax Incentives: Attractive tax credits for AI startups and tech companies to foster innovation.",
    ),
]

# Where the article states the same answer again elsewhere, those sentences count as evidence too.
ALSO = {
    "In what way is the Parisian approach to AI unlike the Californian one?": [
        "- Paris' approach to AI differs from Silicon Valley by focusing on ethical AI and collaboration."
    ],
    "What global position is Paris expected to take in responsible AI?": [
        "- Paris is set to become a global leader in ethical AI development and governance."
    ],
    "What obstacles stand in the way of the French capital's AI ambitions?": [
        "Paris faces challenges such as talent retention and ensuring AI technologies align with ethical standards.",
        "- Challenges like talent retention and ethical AI development are being strategically addressed.",
        "- Talent Retention: Brain drain is a concern as AI professionals are lured by opportunities in the U.S.",
    ],
    "Who is spearheading Europe's push in artificial intelligence?": [
        "With companies like Mistral AI leading the charge, the city is becoming a hotbed for AI innovation."
    ],
    "Why does the French capital matter so much in artificial intelligence?": [
        "With a confluence of factors such as government backing, innovative startups, and a rich academic landscape, Paris is carving out a niche that could redefine global tech dynamics."
    ],
    "What does the national government do to push AI forward?": [
        "- Tax Incentives: Attractive tax credits for AI startups and tech companies to foster innovation.",
        "The French government announced a €1.5 billion investment over five years to accelerate AI research and development.",
    ],
    "Which sectors team up to drive new ideas?": [
        "Paris focuses heavily on ethical AI and collaboration between academia, industry, and government, whereas Silicon Valley is often driven by commercial interests."
    ],
    "What are the city's universities contributing to the field?": [
        "These universities and research centers are not only educating the next generation of AI professionals but also pushing the boundaries of what's possible in AI research."
    ],
}

IN_DOMAIN = 24  # the first 24 of U are about entities the article names
U = [
    # in-domain: entities the article names, facts it does not give
    "Who founded Mistral AI?",
    "When was INRIA created?",
    "How many employees does Dataiku have?",
    "How much venture capital has Mistral AI raised?",
    "In what year was Snips acquired, and by whom?",
    "How many people attended the gathering at the Palais des Congrès?",
    "What is the average salary of an AI engineer in Paris?",
    "In which month does Viva Tech take place?",
    "Who is the chief executive of Dataiku?",
    "How many students are enrolled at École Polytechnique?",
    "What is the budget of the AI for Humanity summit?",
    "Which Silicon Valley companies have opened AI labs in Paris?",
    "What percentage of the €1.5 billion goes to tax incentives?",
    "Which large language models has Mistral AI released?",
    "How many AI startups are based in Paris?",
    "Where are Dataiku's headquarters?",
    "What landmark law did Illinois pass on AI?",
    "How does DeepSeek's architecture work?",
    "Who teaches the mandatory AI course at École Polytechnique?",
    "When did the France AI 2025 strategy start?",
    "How many researchers work at INRIA?",
    "Which city will host the next AI for Humanity summit?",
    "What is the name of the French minister in charge of digital affairs?",
    "How much do tax credits for AI startups amount to per company?",
    # out of domain
    "What is the population of Paris?",
    "Who is the president of France?",
    "What is the capital of Germany?",
    "How do I bake a baguette?",
    "What will the weather be like in Paris next spring?",
    "Who won the 2026 World Cup?",
    "What is the GDP of France?",
    "What is the exchange rate between the euro and the dollar?",
    "How tall is the Eiffel Tower?",
    "What are the opening hours of the Louvre?",
    "How do I renew a French passport?",
    "Which river flows through Paris?",
    "What is the best way to learn Python programming?",
    "How does photosynthesis work?",
    "Who wrote Les Misérables?",
    "What is a transformer neural network?",
    "How many calories are in a croissant?",
    "What time does the metro close on weekends?",
    "Can you recommend a good restaurant in Lyon?",
    "What is the boiling point of water at sea level?",
    "How do vaccines train the immune system?",
    "What are the rules of rugby?",
    "Which team won the Tour de France last year?",
    "How do I reset my router password?",
]


def main() -> None:
    text = CORPUS.read_text(encoding="utf-8")
    rows = []
    for i, (question, answers, evidence) in enumerate(A, 1):
        evidence = [evidence, *ALSO.get(question, [])]
        for e in evidence:
            assert e in text, e
        for a in answers:
            assert any(a.lower() in e.lower() for e in evidence), (a, evidence)
        rows.append(
            {
                "id": f"a{i:02d}",
                "question": question,
                "answers": answers,
                "evidence": evidence,
                "answerable": True,
                "kind": "paraphrase",
            }
        )
    for i, (question, answers, evidence) in enumerate(V, 1):
        assert evidence in text, evidence
        rows.append(
            {
                "id": f"v{i:02d}",
                "question": question,
                "answers": answers,
                "evidence": [evidence],
                "answerable": True,
                "kind": "verbatim",
            }
        )
    for i, question in enumerate(U, 1):
        kind = "unanswerable-in-domain" if i <= IN_DOMAIN else "unanswerable-out-of-domain"
        rows.append({"id": f"u{i:02d}", "question": question, "answers": [], "answerable": False, "kind": kind})
    with open(HERE / "dev.jsonl", "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(A)} paraphrased + {len(V)} verbatim answerable, {len(U)} unanswerable")


if __name__ == "__main__":
    main()
