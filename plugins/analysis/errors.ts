// Every code the analysis plugin answers with.
import { defineErrors } from '../../kernel/errors.ts'

export const AnalysisErrors = defineErrors('ANALYSIS', {
  NOT_FOUND: [404, 'Analysis not found'],
  DAILY_QUOTA: [429, 'Your %s plan allows %s analyses per day'],
  ENQUEUE_FAILED: [503, 'The analysis queue is unavailable'],
  TOO_MANY_STREAMS: [429, 'Too many open event streams (at most %s per %s); close one or poll /status']
})
