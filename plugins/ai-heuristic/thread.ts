// Runs inside the heuristic provider's worker thread (provider.ts): one analysis per call, progress
// as events. The dictionaries load before the thread says it is ready, so no call pays for them.
import type { AnalysisType } from '../ai/index.ts'
import { serve } from '../../kernel/thread.ts'
import { analyzePortfolio } from './portfolio.ts'
import { analyzeResume, type Result } from './resume.ts'
import { warmUp } from './spelling.ts'

export interface AnalysisRequest { type: AnalysisType, content: Record<string, unknown>, jobDescription: string | null }
export interface ProgressEvent { progress: number, step: string }

await warmUp()
serve<AnalysisRequest, Result, ProgressEvent>(async (req, emit) => {
  const step = async (progress: number, name: string) => emit({ progress, step: name })
  return req.type === 'portfolio' ? analyzePortfolio(req.content, step) : analyzeResume(req.content, req.jobDescription, step)
})
