// LaTeX layouts of the fresh holdout (added 2026-12-03): the curve class (rubrics in a
// longtable, keys in a left column), the currvita package on article (cvlist with dated
// labels) and a Chinese article with xeCJK and tabularx (not ctexart). Printed by printTex()
// (latex.ts) with SOURCE_DATE_EPOCH, like the other TeX layouts.
import { bare, fmtDate, fmtRange, HEADINGS, type DateStyle, type Lang, type Resume } from './common.ts'

const esc = (s: string) => s.replace(/[\\{}&%$#_^~]/g, (c) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' } as Record<string, string>)[c] ?? '\\' + c)

/** curve (Didier Verna): \leftheader/\rightheader, a centred title, rubrics with \entry*[key]. */
export function curve (r: Resume, lang: Lang, dates: DateStyle): string {
  const h = HEADINGS[lang]
  const b = r.basics
  const babel = { en: 'english', de: 'ngerman', fr: 'french', es: 'spanish' }[lang as 'en']
  const year = (s: string, z?: string) => esc(`${fmtDate(s, lang, dates)} -- ${z ? fmtDate(z, lang, dates) : h.present}`)
  // curve's rubrics are meant to be separate files read by \\makerubric (LTXtable sizes the X
  // column); filecontents writes them from this one source.
  const rubric = (file: string, title: string, entries: string[]) => `\\begin{filecontents*}[overwrite]{${file}.tex}\n\\begin{rubric}{${esc(title)}}\n${entries.join('\n')}\n\\end{rubric}\n\\end{filecontents*}\n`
  const rubrics = [
    rubric('profil', h.summary, [`\\entry*[] ${esc(b.summary)}`]),
    rubric('experience', h.work, r.work.map((w) => `\\entry*[${year(w.startDate, w.endDate)}] \\textbf{${esc(w.position)}}, ${esc(w.name)} (${esc(w.location ?? '')})${(w.highlights ?? []).map((x) => `\\newline --~${esc(x)}`).join('')}`)),
    rubric('formation', h.education, r.education.map((e) => `\\entry*[${year(e.startDate, e.endDate)}] \\textbf{${esc(e.studyType)}, ${esc(e.area)}}\\newline ${esc(e.institution)}`)),
    rubric('competences', h.skills, r.skills.map((s) => `\\entry*[${esc(s.name)}] ${esc(s.keywords.join(', '))}`)),
    rubric('langues', h.languages, r.languages.map((l) => `\\entry*[${esc(l.language)}] ${esc(l.fluency)}`))
  ]
  return `${rubrics.join('')}\\documentclass[a4paper,10pt,${babel}]{curve}
\\usepackage[utf8]{inputenc}
\\usepackage[T1]{fontenc}
\\usepackage{lmodern}
\\usepackage[${babel}]{babel}
\\usepackage[margin=2cm]{geometry}
\\usepackage[hidelinks]{hyperref}
\\pdftrailerid{}
\\rubricalignment{l}
\\rubricfont{\\large\\bfseries\\scshape}
\\keyfont{\\small\\itshape}
\\leftheader{${esc(b.location.city)}\\\\${esc(b.phone)}\\\\\\href{mailto:${b.email}}{${esc(b.email)}}}
\\rightheader{\\href{${b.url}}{${esc(bare(b.url))}}\\\\${b.profiles.map((p) => `${esc(p.network)} : \\href{${p.url}}{${esc(p.username)}}`).join('\\\\')}}
\\title{${esc(b.name)}}
\\subtitle{${esc(b.label)}}
\\begin{document}
\\makeheaders[c]
\\maketitle
\\makerubric{profil}
\\makerubric{experience}
\\makerubric{formation}
\\makerubric{competences}
\\makerubric{langues}
\\end{document}
`
}

/** currvita (Axel Reichert) on article: a cv environment, cvlists whose labels are the dates. */
export function currvita (r: Resume, lang: Lang, dates: DateStyle): string {
  const h = HEADINGS[lang]
  const b = r.basics
  const babel = { en: 'english', de: 'ngerman', fr: 'french', es: 'spanish,es-noshorthands' }[lang as 'en']
  const range = (s: string, z?: string) => esc(fmtRange(s, z, lang, dates, '--'))
  const L = ({ de: ['Wohnort', 'Telefon', 'E-Mail'], fr: ['Ville', 'Téléphone', 'Courriel'], es: ['Ciudad', 'Teléfono', 'Correo'] } as Record<string, string[]>)[lang] ?? ['City', 'Phone', 'Email']
  return `\\documentclass[11pt,a4paper]{article}
\\usepackage[utf8]{inputenc}
\\usepackage[T1]{fontenc}
\\usepackage{lmodern}
\\usepackage[${babel}]{babel}
\\usepackage[margin=2.2cm]{geometry}
\\usepackage[NoDate,LabelsAligned]{currvita}
\\usepackage[hidelinks]{hyperref}
\\pdftrailerid{}
\\pagestyle{empty}
\\renewcommand*{\\cvlistheadingfont}{\\large\\sffamily\\bfseries}
\\renewcommand*{\\cvlabelfont}{\\small\\sffamily}
\\begin{document}
\\begin{cv}{${esc(b.name)}\\\\[0.2em]\\normalsize\\mdseries ${esc(b.label)}}
\\begin{cvlist}{${esc(h.contact)}}
\\item[${L[0]}] ${esc(b.location.city)}
\\item[${L[1]}] ${esc(b.phone)}
\\item[${L[2]}] \\href{mailto:${b.email}}{${esc(b.email)}}
\\item[Web] \\url{${b.url}}
${b.profiles.map((p) => `\\item[${esc(p.network)}] \\href{${p.url}}{${esc(p.username)}}`).join('\n')}
\\end{cvlist}
\\begin{cvlist}{${esc(h.summary)}}
\\item ${esc(b.summary)}
\\end{cvlist}
\\begin{cvlist}{${esc(h.work)}}
${r.work.map((w) => `\\item[${range(w.startDate, w.endDate)}] \\textbf{${esc(w.position)}}\\\\ ${esc(w.name)}, ${esc(w.location ?? '')}${(w.highlights ?? []).map((x) => `\\\\ \\textbullet~${esc(x)}`).join('')}`).join('\n')}
\\end{cvlist}
\\begin{cvlist}{${esc(h.education)}}
${r.education.map((e) => `\\item[${range(e.startDate, e.endDate)}] ${esc(e.studyType)} ${esc(e.area)}\\\\ \\textit{${esc(e.institution)}}`).join('\n')}
\\end{cvlist}
\\begin{cvlist}{${esc(h.skills)}}
${r.skills.map((s) => `\\item[${esc(s.name)}] ${esc(s.keywords.join(', '))}`).join('\n')}
\\end{cvlist}
\\begin{cvlist}{${esc(h.languages)}}
${r.languages.map((l) => `\\item[${esc(l.language)}] ${esc(l.fluency)}`).join('\n')}
\\end{cvlist}
\\end{cv}
\\end{document}
`
}

/** Chinese on article with xeCJK: a shaded name bar, dates in a left tabularx column, skills in a table. */
export function xecjk (r: Resume, dates: DateStyle): string {
  const h = HEADINGS.zh
  const b = r.basics
  const range = (s: string, z?: string) => esc(fmtRange(s, z, 'zh', dates, ' -- '))
  const sect = (t: string) => `\\section*{${t}}`
  return `\\documentclass[10pt,a4paper]{article}
\\usepackage{fontspec}
\\usepackage{xeCJK}
\\setCJKmainfont{Noto Sans CJK SC}[BoldFont=Noto Sans CJK SC Bold]
\\setmainfont{Noto Sans}
\\usepackage[margin=1.8cm]{geometry}
\\usepackage{tabularx}
\\usepackage{xcolor}
\\usepackage{titlesec}
\\usepackage[hidelinks]{hyperref}
\\definecolor{accent}{HTML}{8B1E3F}
\\titleformat*{\\section}{\\large\\bfseries\\color{accent}}
\\titlespacing*{\\section}{0pt}{1.0em}{0.4em}
\\pagestyle{empty}
\\setlength{\\parindent}{0pt}
\\begin{document}
\\colorbox{accent}{\\parbox{\\dimexpr\\linewidth-2\\fboxsep}{\\color{white}{\\LARGE\\bfseries ${esc(b.name)}}\\quad ${esc(b.label)}}}\\par\\smallskip
${esc(b.location.city)}\\enspace|\\enspace ${esc(b.phone)}\\enspace|\\enspace \\href{mailto:${b.email}}{${esc(b.email)}}\\enspace|\\enspace \\href{${b.url}}{${esc(bare(b.url))}}\\par
${b.profiles.map((p) => `${esc(p.network)}：\\href{${p.url}}{${esc(bare(p.url))}}`).join('\\enspace|\\enspace ')}\\par
${sect(h.summary)}
${esc(b.summary)}
${sect(h.work)}
\\begin{tabularx}{\\linewidth}{@{}p{3.4cm}X@{}}
${r.work.map((w) => `${range(w.startDate, w.endDate)} & \\textbf{${esc(w.position)}}\\enspace ${esc(w.name)}（${esc(w.location ?? '')}）\\\\\n${(w.highlights ?? []).map((x) => ` & ・${esc(x)}\\\\`).join('\n')}\n\\noalign{\\smallskip}`).join('\n')}
\\end{tabularx}
${sect(h.education)}
\\begin{tabularx}{\\linewidth}{@{}p{3.4cm}X@{}}
${r.education.map((e) => `${range(e.startDate, e.endDate)} & \\textbf{${esc(e.institution)}}\\enspace ${esc(e.area)}\\enspace ${esc(e.studyType)}\\\\`).join('\n')}
\\end{tabularx}
${sect(h.skills)}
\\begin{tabularx}{\\linewidth}{@{}p{3.4cm}X@{}}
${r.skills.map((s) => `\\textbf{${esc(s.name)}} & ${esc(s.keywords.join(' / '))}\\\\`).join('\n')}
\\end{tabularx}
${sect(h.languages)}
${r.languages.map((l) => `${esc(l.language)}：${esc(l.fluency)}`).join('\\qquad ')}
\\end{document}
`
}
