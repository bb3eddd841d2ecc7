// LaTeX layouts: moderncv (five styles), europecv, plain article resumes, Arabic with
// polyglossia/bidi and Chinese with ctexart, all from Debian's TeX Live 2022. The .tex is
// written from the truth resume, then pdflatex or xelatex prints it with SOURCE_DATE_EPOCH set
// (fixed dates and trailer /ID), twice, so references settle.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bare, fmtRange, HEADINGS, type DateStyle, type Lang, type Resume } from './common.ts'

const esc = (s: string) => s.replace(/[\\{}&%$#_^~]/g, (c) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' } as Record<string, string>)[c] ?? '\\' + c)
const items = (list: string[] | undefined) => (list?.length ? `\\begin{itemize}\n${list.map((h) => `  \\item ${esc(h)}`).join('\n')}\n\\end{itemize}` : '')

export interface LatexOptions { engine: 'pdflatex' | 'xelatex', lang: Lang, dates: DateStyle }

export function moderncv (r: Resume, style: string, o: LatexOptions): string {
  const h = HEADINGS[o.lang]
  const [first, ...rest] = r.basics.name.split(' ')
  const social = r.basics.profiles.map((p) => {
    const net = p.network.toLowerCase()
    return ['linkedin', 'github', 'twitter'].includes(net) ? `\\social[${net}]{${esc(p.username)}}` : `\\extrainfo{\\href{${p.url}}{${esc(p.network)}: ${esc(p.username)}}}`
  })
  // babel's spanish breaks moderncv's \\phone collections (Missing \\endcsname): English hyphenation there
  const babel = { en: 'english', de: 'ngerman', fr: 'french', es: 'english' }[o.lang as 'en']
  return `\\documentclass[11pt,a4paper,sans]{moderncv}
% the styles ask for Font Awesome 5 (texlive-fonts-extra); marvosym's icons instead
\\renewcommand*{\\moderncvicons}[1]{\\RequirePackage{moderncviconsmarvosym}}
\\moderncvstyle{${style}}
\\moderncvcolor{${({ classic: 'blue', casual: 'orange', banking: 'black', oldstyle: 'green', fancy: 'grey' } as Record<string, string>)[style] ?? 'blue'}}
\\moderncvicons{marvosym}
${o.engine === 'pdflatex' ? '\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\pdftrailerid{}' : ''}
\\usepackage[${babel}]{babel}
\\usepackage[scale=0.82]{geometry}
\\name{${esc(first!)}}{${esc(rest.join(' '))}}
\\title{${esc(r.basics.label)}}
\\address{}{${esc(r.basics.location.city)}}{}
\\phone[mobile]{${esc(r.basics.phone)}}
\\email{${esc(r.basics.email)}}
\\homepage{${esc(bare(r.basics.url))}}
${social.join('\n')}
\\begin{document}
\\makecvtitle
\\section{${h.summary}}
\\cvitem{}{${esc(r.basics.summary)}}
\\section{${esc(h.work)}}
${r.work.map((w) => `\\cventry{${esc(fmtRange(w.startDate, w.endDate, o.lang, o.dates, '--'))}}{${esc(w.position)}}{${esc(w.name)}}{${esc(w.location ?? '')}}{}{${items(w.highlights)}}`).join('\n')}
\\section{${esc(h.education)}}
${r.education.map((e) => `\\cventry{${esc(fmtRange(e.startDate, e.endDate, o.lang, o.dates, '--'))}}{${esc(e.studyType)}}{${esc(e.institution)}}{}{}{${esc(e.area)}}`).join('\n')}
\\section{${esc(h.skills)}}
${r.skills.map((s) => `\\cvitem{${esc(s.name)}}{${esc(s.keywords.join(', '))}}`).join('\n')}
\\section{${esc(h.languages)}}
${r.languages.map((l) => `\\cvitemwithcomment{${esc(l.language)}}{${esc(l.fluency)}}{}`).join('\n')}
\\end{document}
`
}

const ECV: Record<string, string[]> = {
  en: ['Desired employment', 'Work experience', 'Dates', 'Occupation or position held', 'Name of employer', 'Main activities and responsibilities', 'Education and training', 'Title of qualification awarded', 'Name of organisation providing education', 'Personal skills'],
  de: ['Gewünschte Beschäftigung', 'Berufserfahrung', 'Zeitraum', 'Beruf oder Funktion', 'Name des Arbeitgebers', 'Wichtigste Tätigkeiten und Zuständigkeiten', 'Schul- und Berufsbildung', 'Bezeichnung der erworbenen Qualifikation', 'Name der Bildungseinrichtung', 'Persönliche Fähigkeiten'],
  fr: ['Emploi recherché', 'Expérience professionnelle', 'Dates', 'Fonction ou poste occupé', "Nom de l'employeur", 'Principales activités et responsabilités', 'Éducation et formation', 'Intitulé du certificat ou diplôme délivré', "Nom de l'organisme de formation", 'Compétences personnelles']
}

export function europecv (r: Resume, o: LatexOptions): string {
  const [desired, workExp, dates, occupation, employer, activities, educ, title, org, personal] = ECV[o.lang]!.map(esc)
  const babel = { en: 'english', de: 'german', fr: 'french', es: 'spanish' }[o.lang as 'en']
  const [first, ...rest] = r.basics.name.split(' ')
  const h = HEADINGS[o.lang]
  return `\\documentclass[${babel},a4paper,nologo,totpages]{europecv}
\\usepackage[utf8]{inputenc}
\\usepackage[T1]{fontenc}
\\usepackage{lmodern}
\\usepackage[${o.lang === 'de' ? 'ngerman' : babel}]{babel}
\\usepackage[margin=2cm]{geometry}
\\usepackage{hyperref}
\\pdftrailerid{}
\\ecvname{${esc(rest.join(' '))}, ${esc(first!)}}
\\ecvaddress{${esc(r.basics.location.city)}}
\\ecvtelephone{${esc(r.basics.phone)}}
\\ecvemail{\\href{mailto:${r.basics.email}}{${esc(r.basics.email)}}}
\\ecvhomepage{\\url{${r.basics.url}}}
\\begin{document}
\\begin{europecv}
\\ecvpersonalinfo
\\ecvitem{\\large ${desired}}{\\large ${esc(r.basics.label)}}
\\ecvitem{${esc(h.summary)}}{${esc(r.basics.summary)}}
\\ecvsection{${workExp}}
${r.work.map((w) => `\\ecvitem{${dates}}{${esc(fmtRange(w.startDate, w.endDate, o.lang, o.dates, ' -- '))}}
\\ecvitem{${occupation}}{${esc(w.position)}}
\\ecvitem{${employer}}{${esc(w.name)}, ${esc(w.location ?? '')}}
${w.highlights?.length ? `\\ecvitem{${activities}}{${items(w.highlights)}}` : ''}
\\ecvitem{}{}`).join('\n')}
\\ecvsection{${educ}}
${r.education.map((e) => `\\ecvitem{${dates}}{${esc(fmtRange(e.startDate, e.endDate, o.lang, o.dates, ' -- '))}}
\\ecvitem{${title}}{${esc(e.studyType)}, ${esc(e.area)}}
\\ecvitem{${org}}{${esc(e.institution)}}
\\ecvitem{}{}`).join('\n')}
\\ecvsection{${personal}}
${r.skills.map((s) => `\\ecvitem{${esc(s.name)}}{${esc(s.keywords.join(', '))}}`).join('\n')}
\\ecvsection{${esc(h.languages)}}
${r.languages.map((l) => `\\ecvitem{${esc(l.language)}}{${esc(l.fluency)}}`).join('\n')}
\\ecvsection{${esc(h.contact)}}
${r.basics.profiles.map((p) => `\\ecvitem{${esc(p.network)}}{\\url{${p.url}}}`).join('\n')}
\\end{europecv}
\\end{document}
`
}

/** A hand-written article resume: bold title, company in italics, dates flush right, or dates in a left column (tabular). */
export function article (r: Resume, o: LatexOptions & { tabular?: boolean }): string {
  const h = HEADINGS[o.lang]
  const babel = { en: 'english', de: 'ngerman', fr: 'french', es: 'spanish,es-noshorthands' }[o.lang as 'en']
  const entry = (title: string, org: string, place: string, dates: string, body: string) => o.tabular
    ? `\\noindent\\begin{tabular}{@{}p{3.6cm}@{}p{12.4cm}@{}}\n${dates} & \\textbf{${title}}\\newline ${org}${place ? ', ' + place : ''}${body ? `\\vspace{-0.5em}${body}` : ''}\n\\end{tabular}\\par\\medskip`
    : `\\noindent\\textbf{${title}} \\hfill ${dates}\\\\\n\\textit{${org}}${place ? ', ' + place : ''}\n${body}\\par\\medskip`
  return `\\documentclass[10pt,a4paper]{article}
\\usepackage[utf8]{inputenc}
\\usepackage[T1]{fontenc}
\\usepackage{lmodern}
\\usepackage[${babel}]{babel}
\\usepackage[margin=2cm]{geometry}
\\usepackage{enumitem}
\\usepackage[hidelinks]{hyperref}
\\pdftrailerid{}
\\setlist[itemize]{nosep,leftmargin=1.5em}
\\pagestyle{empty}
\\newcommand{\\sect}[1]{\\vspace{0.8em}{\\large\\scshape #1}\\par\\vspace{-0.4em}\\rule{\\linewidth}{0.4pt}\\par\\vspace{0.3em}}
\\begin{document}
\\begin{center}
{\\huge ${esc(r.basics.name)}}\\\\[0.3em]
${esc(r.basics.label)}\\\\[0.3em]
${esc(r.basics.location.city)} \\textbullet{} ${esc(r.basics.phone)} \\textbullet{} \\href{mailto:${r.basics.email}}{${esc(r.basics.email)}} \\textbullet{} \\href{${r.basics.url}}{${esc(bare(r.basics.url))}}\\\\
${r.basics.profiles.map((p) => `${esc(p.network)}: \\href{${p.url}}{${esc(p.username)}}`).join(' \\textbar{} ')}
\\end{center}
\\sect{${esc(h.summary)}}
${esc(r.basics.summary)}
\\sect{${esc(h.work)}}
${r.work.map((w) => entry(esc(w.position), esc(w.name), esc(w.location ?? ''), esc(fmtRange(w.startDate, w.endDate, o.lang, o.dates, ' -- ')), items(w.highlights))).join('\n')}
\\sect{${esc(h.education)}}
${r.education.map((e) => entry(`${esc(e.studyType)}, ${esc(e.area)}`, esc(e.institution), '', esc(fmtRange(e.startDate, e.endDate, o.lang, o.dates, ' -- ')), '')).join('\n')}
\\sect{${esc(h.skills)}}
${r.skills.map((s) => `\\noindent\\textbf{${esc(s.name)}:} ${esc(s.keywords.join(', '))}\\\\`).join('\n')}
\\sect{${esc(h.languages)}}
${r.languages.map((l) => `${esc(l.language)} (${esc(l.fluency)})`).join(', ')}
\\end{document}
`
}

/** Right-to-left: xelatex, polyglossia's Arabic (bidi), Noto Naskh Arabic; Latin runs set left-to-right. */
export function arabic (r: Resume, o: LatexOptions): string {
  const h = HEADINGS.ar
  const lr = (s: string) => `\\textenglish{${esc(s)}}`
  return `\\documentclass[11pt,a4paper]{article}
\\usepackage[margin=2cm]{geometry}
\\usepackage[hidelinks]{hyperref}
\\usepackage{fontspec}
\\usepackage{polyglossia}
\\setmainlanguage{arabic}
\\setotherlanguage{english}
\\setmainfont{Noto Sans}
\\newfontfamily\\arabicfont[Script=Arabic]{Noto Naskh Arabic}
\\pagestyle{empty}
\\newcommand{\\sect}[1]{\\vspace{0.8em}{\\Large\\bfseries #1}\\par\\hrule\\vspace{0.4em}}
\\begin{document}
\\begin{center}
{\\Huge\\bfseries ${esc(r.basics.name)}}\\par\\medskip
{\\large ${esc(r.basics.label)}}\\par\\medskip
${esc(r.basics.location.city)} \\textbullet{} ${lr(r.basics.phone)} \\textbullet{} ${lr(r.basics.email)} \\textbullet{} ${lr(bare(r.basics.url))}\\par
${r.basics.profiles.map((p) => lr(`${p.network}: ${p.username}`)).join(' \\textbullet{} ')}
\\end{center}
\\sect{${h.summary}}
${esc(r.basics.summary)}
\\sect{${h.work}}
${r.work.map((w) => `\\noindent\\textbf{${esc(w.position)}} -- ${esc(w.name)}، ${esc(w.location ?? '')} \\hfill ${esc(fmtRange(w.startDate, w.endDate, 'ar', o.dates, ' - '))}\n${items(w.highlights)}\\par\\medskip`).join('\n')}
\\sect{${h.education}}
${r.education.map((e) => `\\noindent\\textbf{${esc(e.studyType)} في ${esc(e.area)}} -- ${esc(e.institution)} \\hfill ${esc(fmtRange(e.startDate, e.endDate, 'ar', o.dates, ' - '))}\\par`).join('\n')}
\\sect{${h.skills}}
${r.skills.map((s) => `\\noindent\\textbf{${esc(s.name)}:} ${s.keywords.map(lr).join('، ')}\\par`).join('\n')}
\\sect{${h.languages}}
${r.languages.map((l) => `\\noindent ${esc(l.language)}: ${esc(l.fluency)}\\par`).join('\n')}
\\end{document}
`
}

/** ctexart with Noto CJK (the usual Chinese class), a two-column header table. */
export function chinese (r: Resume, o: LatexOptions): string {
  const h = HEADINGS.zh
  return `\\documentclass[fontset=none,a4paper,zihao=-4]{ctexart}
\\setCJKmainfont{Noto Serif CJK SC}[BoldFont=Noto Serif CJK SC Bold]
\\setCJKsansfont{Noto Sans CJK SC}
\\setmainfont{Noto Serif}
\\usepackage[margin=2cm]{geometry}
\\usepackage{enumitem}
\\usepackage[hidelinks]{hyperref}
\\setlist[itemize]{nosep}
\\pagestyle{empty}
\\ctexset{section={format=\\Large\\bfseries\\sffamily\\raggedright, number={}, aftername={}}}
\\begin{document}
{\\Huge\\bfseries\\sffamily ${esc(r.basics.name)}}\\hfill {\\large ${esc(r.basics.label)}}\\par\\medskip
\\noindent\\begin{tabular}{@{}ll@{}}
电话：${esc(r.basics.phone)} & 邮箱：${esc(r.basics.email)}\\\\
城市：${esc(r.basics.location.city)} & 主页：${esc(bare(r.basics.url))}\\\\
${r.basics.profiles.map((p) => `${esc(p.network)}：${esc(p.username)}`).join(' & ')}\\\\
\\end{tabular}
\\section{${h.summary}}
${esc(r.basics.summary)}
\\section{${h.work}}
${r.work.map((w) => `\\noindent\\textbf{${esc(w.name)}}\\quad ${esc(w.position)}\\quad ${esc(w.location ?? '')}\\hfill ${esc(fmtRange(w.startDate, w.endDate, 'zh', o.dates, ' -- '))}\n${items(w.highlights)}\\par\\medskip`).join('\n')}
\\section{${h.education}}
${r.education.map((e) => `\\noindent\\textbf{${esc(e.institution)}}\\quad ${esc(e.area)}\\quad ${esc(e.studyType)}\\hfill ${esc(fmtRange(e.startDate, e.endDate, 'zh', o.dates, ' -- '))}\\par`).join('\n')}
\\section{${h.skills}}
${r.skills.map((s) => `\\noindent\\textbf{${esc(s.name)}：}${esc(s.keywords.join('、'))}\\par`).join('\n')}
\\section{${h.languages}}
${r.languages.map((l) => `${esc(l.language)}（${esc(l.fluency)}）`).join('；')}
\\end{document}
`
}

/** Prints a .tex with pdflatex or xelatex (twice); SOURCE_DATE_EPOCH fixes dates and the /ID. */
export function printTex (tex: string, engine: 'pdflatex' | 'xelatex', epoch: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'cvgen-tex-'))
  try {
    writeFileSync(join(dir, 'cv.tex'), tex)
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(epoch), FORCE_SOURCE_DATE: '1', TZ: 'UTC' }
    const args = engine === 'xelatex' ? ['-interaction=nonstopmode', '-halt-on-error', '-output-driver=xdvipdfmx -z6', 'cv.tex'] : ['-interaction=nonstopmode', '-halt-on-error', 'cv.tex']
    for (let i = 0; i < 2; i++) {
      try {
        execFileSync(engine, args, { cwd: dir, env, stdio: 'pipe' })
      } catch (err) {
        const log = (() => { try { return readFileSync(join(dir, 'cv.log'), 'utf8') } catch { return '' } })()
        throw new Error(`${engine} failed: ${log.split('\n').filter((l) => l.startsWith('!')).slice(0, 5).join('\n') || (err as Error).message}`)
      }
    }
    return readFileSync(join(dir, 'cv.pdf'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function texVersion (engine: string): string {
  return execFileSync(engine, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim()
}
