morgueSearch.load("meta",{"v":2,"n":2,"avgdl":11.50,"dps":1,"d0":"2020-02-29","pubs":[["el pais","Él País",1]],"tags":[["économie",1],["日本",1]],"x":{"dl":"k4","dates":"0111","shards":[""]}});
