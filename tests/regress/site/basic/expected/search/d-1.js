morgueSearch.load("d-1",{"zd":"SfVYB[jSC1!!"});
