/**
 * A period during which a time limit is suspended (e.g. 听证, 检验检测, 专家评审 under
 * 行政许可法 第四十五条). `to` is exclusive; when absent the suspension is still ongoing.
 */
export interface Pause {
  from: Date;
  to?: Date;
}
