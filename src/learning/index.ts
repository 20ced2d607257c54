export {
  type FeedbackInput,
  type FeedbackRow,
  FeedbackStore,
  type FeedbackTarget,
  type FeedbackVerdict,
  parseFeedback,
} from './feedback.js';
