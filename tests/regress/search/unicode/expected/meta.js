morgueSearch.load("meta",{"v":2,"n":2,"avgdl":11.50,"dps":1,"dl":"k4","d0":"2020-02-29","dates":"0111","shards":[""],"pubs":[["el pais","Él País",1]],"tags":[["économie",1],["日本",1]]});
