import { expect, test } from "vitest";
import { nextImageHistory } from "./image-pruning.js";

test("the history keeps the newest N distinct images and drops the rest", () => {
  expect(nextImageHistory("c", ["b", "a"], 2)).toEqual({ kept: ["c", "b"], dropped: ["a"] });
  expect(nextImageHistory("c", ["b", "a"], 3)).toEqual({ kept: ["c", "b", "a"], dropped: [] });
  // Redeploying an image it already had moves it to the front instead of repeating it.
  expect(nextImageHistory("a", ["b", "a"], 2)).toEqual({ kept: ["a", "b"], dropped: [] });
  expect(nextImageHistory("b", ["b"], 1)).toEqual({ kept: ["b"], dropped: [] });
  // A lowered KEEP_IMAGES drops several at once.
  expect(nextImageHistory("d", ["c", "b", "a"], 1)).toEqual({ kept: ["d"], dropped: ["c", "b", "a"] });
});
