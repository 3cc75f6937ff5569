-- wrk script for bench/back_bench.sh: POST /knn-service text queries, a different caption each
-- time (so neither the tokenizer cache nor any other cache answers for the model).
local counter = 0
local words = {"cat", "dog", "beach", "mountain", "city", "car", "flower", "portrait", "food",
               "sunset", "forest", "river", "house", "bird", "painting", "street"}

request = function()
  counter = counter + 1
  local a = words[(counter % #words) + 1]
  local b = words[(math.floor(counter / #words) % #words) + 1]
  local body = string.format(
    '{"text":"a photo of a %s and a %s number %d","modality":"image","num_images":10,' ..
    '"num_result_ids":10,"indice_name":null}', a, b, counter)
  return wrk.format("POST", "/knn-service", {["Content-Type"] = "application/json"}, body)
end
